//go:build cgo

package z3

/*
#include <stdlib.h>
#include <z3.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// ParseSMTLIB2 parses SMT-LIB 2 text (declarations, definitions and
// assertions; set-logic, check-sat and the like are ignored by Z3's parser)
// and returns its assertions as Bool terms of c, ready for [Solver.Assert].
// Constants declared in the text are the constants of the same name and sort
// that [Context.Const] makes, so a model can be asked for them.
//
// Numerals in the text are subject to the context's digit limit (see
// [Context.SetMaxNumeralDigits]): a run of more decimal digits than the limit
// is refused with [ErrTooLarge] before the text reaches Z3. A syntax or sort
// error is an *[Error].
func (c *Context) ParseSMTLIB2(src string) ([]Term, error) {
	if c.closed {
		return nil, ErrClosed
	}
	if err := checkTextDigits(src, c.maxDigits); err != nil {
		return nil, err
	}
	cs := C.CString(src)
	defer C.free(unsafe.Pointer(cs))
	z := c.ctx
	v := C.Z3_parse_smtlib2_string(z, cs, 0, nil, nil, 0, nil, nil)
	if err := c.lastError("ParseSMTLIB2"); err != nil {
		return nil, err
	}
	if v == nil {
		return nil, &Error{Op: "ParseSMTLIB2", Msg: "Z3 returned no assertions"}
	}
	C.Z3_ast_vector_inc_ref(z, v)
	defer C.Z3_ast_vector_dec_ref(z, v)
	n := int(C.Z3_ast_vector_size(z, v))
	out := make([]Term, 0, n)
	for i := 0; i < n; i++ {
		t := c.own("ParseSMTLIB2", C.Z3_ast_vector_get(z, v, C.uint(i)))
		if t.err != nil {
			return nil, t.err
		}
		out = append(out, t)
	}
	return out, nil
}

// checkTextDigits refuses a run of more than max decimal digits in src.
func checkTextDigits(src string, max int) error {
	if max <= 0 {
		return nil
	}
	run := 0
	for i := 0; i < len(src); i++ {
		if c := src[i]; c >= '0' && c <= '9' {
			run++
			if run > max {
				return fmt.Errorf("%w: a numeral in the SMT-LIB text has more than %d decimal digits (limit)", ErrTooLarge, max)
			}
			continue
		}
		run = 0
	}
	return nil
}
