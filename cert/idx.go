package cert

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// parseIDX reads unsigned-byte IDX images and labels as they are decompressed: the headers
// are checked against the limits before the pixels are read.
func parseIDX(imgs, labs io.Reader, src Source, lim Limits) (*builder, []int, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(imgs, hdr[:]); err != nil || hdr[0] != 0 || hdr[1] != 0 || hdr[2] != 0x08 || hdr[3] == 0 {
		return nil, nil, fmt.Errorf("%s: not an unsigned-byte IDX file (bad magic)", src.Images)
	}
	nd := int(hdr[3])
	dims := make([]byte, 4*nd)
	if _, err := io.ReadFull(imgs, dims); err != nil {
		return nil, nil, fmt.Errorf("%s: truncated IDX header", src.Images)
	}
	n := int64(binary.BigEndian.Uint32(dims))
	dim := int64(1)
	for k := 1; k < nd; k++ {
		dim *= int64(binary.BigEndian.Uint32(dims[4*k:]))
		if dim == 0 || dim > 1<<24 {
			return nil, nil, fmt.Errorf("%s: absurd image size in the IDX header", src.Images)
		}
	}
	if n*dim > lim.MaxFileBytes {
		return nil, nil, fmt.Errorf("%s: the header says %d images of %d bytes (%d bytes), more than the limit of %d bytes", src.Images, n, dim, n*dim, lim.MaxFileBytes)
	}
	var lh [8]byte
	if _, err := io.ReadFull(labs, lh[:]); err != nil || lh[0] != 0 || lh[1] != 0 || lh[2] != 0x08 || lh[3] != 1 {
		return nil, nil, fmt.Errorf("%s: not an unsigned-byte 1-D IDX label file (bad magic)", src.LabelsPath)
	}
	if nl := int64(binary.BigEndian.Uint32(lh[4:])); nl != n {
		return nil, nil, fmt.Errorf("%s: %d labels for %d images in %s", src.LabelsPath, nl, n, src.Images)
	}
	keep := n
	if src.Limit > 0 && int64(src.Limit) < n {
		keep = int64(src.Limit)
	}
	if keep > int64(lim.MaxPoints) {
		return nil, nil, fmt.Errorf("%s: %d points exceed the limit of %d", src.Images, keep, lim.MaxPoints)
	}
	if keep == 0 {
		return nil, nil, fieldErr("dataset", "is empty: a dataset needs at least one point")
	}
	d := int(dim)
	b := &builder{d: d, den: 1, n: int(keep), pix: make([]byte, int(keep)*d)}
	row := make([]byte, d)
	for i := 0; i < int(n); i++ {
		dst := row
		if i < int(keep) {
			dst = b.pix[i*d : (i+1)*d]
		}
		if _, err := io.ReadFull(imgs, dst); err != nil {
			return nil, nil, fmt.Errorf("%s: header says %d images of %d bytes, the file ends at image %d (truncated?): %v", src.Images, n, dim, i, err)
		}
	}
	if err := atEOF(imgs); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", src.Images, err)
	}
	lb := make([]byte, n)
	if _, err := io.ReadFull(labs, lb); err != nil {
		return nil, nil, fmt.Errorf("%s: header says %d labels, the file ends early (truncated?): %v", src.LabelsPath, n, err)
	}
	if err := atEOF(labs); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", src.LabelsPath, err)
	}
	labels := make([]int, keep)
	for i := range labels {
		labels[i] = int(lb[i])
	}
	return b, labels, nil
}

// atEOF checks that r has nothing left (and, for gzip, that the stream's checksum holds).
func atEOF(r io.Reader) error {
	var one [1]byte
	n, err := io.ReadFull(r, one[:])
	switch {
	case n > 0:
		return errors.New("more data than the IDX header says")
	case err == io.EOF:
		return nil
	}
	return err
}
