package main

import (
	"bufio"
	"compress/gzip"
	"io"
	"os"
	"strings"
)

// sniffHeader reports whether a CSV file starts with a header line: one whose fields are
// not all numbers (scikit-learn's "150,4,setosa,…" or a line of column names).
func sniffHeader(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	var r io.Reader = f
	br := bufio.NewReader(f)
	if b, err := br.Peek(2); err == nil && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return false, err
		}
		r = zr
	} else {
		r = br
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && line == "" {
		return false, err
	}
	for _, f := range strings.Split(strings.TrimSpace(line), ",") {
		f = strings.TrimSpace(f)
		if f == "" || strings.Trim(f, "-0123456789./") != "" {
			return true, nil
		}
	}
	return false, nil
}
