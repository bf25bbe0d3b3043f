package certio

import (
	"bufio"
	"bytes"
	"io"
	"math/big"
	"strconv"
	"strings"

	"certify/cert"
)

// The network, written directly. A trained network has millions of weights; building the
// JSON form as strings, marshalling it and re-indenting the result (writeJSON) costs
// seconds for a 10 MB model. netWriter writes the same bytes — the layout prettyJSON gives
// the wire form, field for field — in one pass, each number formatted in place (ratAppend).

// netWriter writes networks; it keeps the decimal forms of the powers of two it has met
// (a float's denominator is one).
type netWriter struct {
	w    *bufio.Writer
	pow2 map[int]string
	buf  []byte
}

func newNetWriter(w io.Writer) *netWriter {
	return &netWriter{w: bufio.NewWriterSize(w, 1<<20), pow2: map[int]string{}}
}

// network writes n as prettyJSON would lay out wireNet(n), its lines after the first
// indented by depth levels (the object's opening brace is written where the writer is).
func (nw *netWriter) network(n *cert.Network, depth int) {
	ind := func(d int) string { return "\n" + strings.Repeat("  ", d) }
	w := nw.w
	w.WriteString("{" + ind(depth+1) + `"input_dim": ` + strconv.Itoa(n.InputDim) + "," + ind(depth+1) + `"layers": `)
	if len(n.Layers) == 0 {
		w.WriteString("[]" + ind(depth) + "}")
		return
	}
	w.WriteString("[")
	for li, l := range n.Layers {
		if li > 0 {
			w.WriteString(",")
		}
		w.WriteString(ind(depth+2) + "{" + ind(depth+3))
		same := true
		for _, a := range l.Act {
			same = same && a.String() == l.Act[0].String()
		}
		if same && len(l.Act) > 0 {
			w.WriteString(`"activation": ` + quote(l.Act[0].String()) + "," + ind(depth+3))
		} else if len(l.Act) > 0 {
			w.WriteString(`"activations": [`)
			for i, a := range l.Act {
				if i > 0 {
					w.WriteString(", ")
				}
				w.WriteString(quote(a.String()))
			}
			w.WriteString("]," + ind(depth+3))
		}
		w.WriteString(`"weights": `)
		if len(l.W) == 0 {
			w.WriteString("[]")
		} else {
			w.WriteString("[")
			for j, row := range l.W {
				if j > 0 {
					w.WriteString(",")
				}
				w.WriteString(ind(depth + 4))
				nw.rats(row)
			}
			w.WriteString(ind(depth+3) + "]")
		}
		w.WriteString("," + ind(depth+3) + `"biases": `)
		nw.rats(l.B)
		w.WriteString(ind(depth+2) + "}")
	}
	w.WriteString(ind(depth+1) + "]" + ind(depth) + "}")
}

// rats writes a one-line array of rationals.
func (nw *netWriter) rats(v []*big.Rat) {
	if len(v) == 0 {
		nw.w.WriteString("[]")
		return
	}
	b := append(nw.buf[:0], '[')
	for i, r := range v {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '"')
		b = nw.ratAppend(b, r)
		b = append(b, '"')
		if len(b) > 1<<16 {
			nw.w.Write(b)
			b = b[:0]
		}
	}
	b = append(b, ']')
	nw.w.Write(b)
	nw.buf = b
}

// ratAppend appends r.RatString() to b: int64 numerators and denominators by strconv, and
// powers of two from the cache.
func (nw *netWriter) ratAppend(b []byte, r *big.Rat) []byte {
	num := r.Num()
	if num.IsInt64() {
		b = strconv.AppendInt(b, num.Int64(), 10)
	} else {
		b = num.Append(b, 10)
	}
	if r.IsInt() {
		return b
	}
	den := r.Denom()
	b = append(b, '/')
	if den.IsUint64() {
		return strconv.AppendUint(b, den.Uint64(), 10)
	}
	if k := den.BitLen() - 1; den.TrailingZeroBits() == uint(k) {
		s, ok := nw.pow2[k]
		if !ok {
			s = den.String()
			nw.pow2[k] = s
		}
		return append(b, s...)
	}
	return den.Append(b, 10)
}

// quote is a JSON string for an activation's name (plain ASCII: no escapes needed, and
// encoding/json is asked when one would be).
func quote(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= 0x7f || c == '<' || c == '>' || c == '&' {
			raw, _ := marshal(s)
			return string(raw)
		}
	}
	return `"` + s + `"`
}

// netPlaceholder stands for the network in a certificate marshalled without it (Encode):
// a valid JSON number encoding/json never writes for a Go value (a zero with a padded
// exponent), found after the key it stands under.
const netPlaceholder = `-0.000e-0000000000`

const netKey = `"network": `

// spliceNetwork writes pretty, the laid-out certificate, with the network written in
// place of netPlaceholder (at depth 1).
func spliceNetwork(w io.Writer, pretty []byte, n *cert.Network) error {
	i := bytes.Index(pretty, []byte(netKey+netPlaceholder))
	if i >= 0 {
		i += len(netKey)
	}
	nw := newNetWriter(w)
	if i < 0 || n == nil {
		nw.w.Write(pretty)
		return nw.w.Flush()
	}
	nw.w.Write(pretty[:i])
	nw.network(n, 1)
	nw.w.Write(pretty[i+len(netPlaceholder):])
	return nw.w.Flush()
}
