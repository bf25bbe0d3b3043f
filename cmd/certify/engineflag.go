package main

import (
	"strconv"

	"certify/cert"

	"github.com/spf13/pflag"
)

// engineValue is the --engine flag: auto, big or reference.
type engineValue struct{ e *cert.Engine }

func (v engineValue) String() string {
	if v.e == nil {
		return cert.EngineAuto.String()
	}
	return v.e.String()
}

func (v engineValue) Set(s string) error {
	e, err := cert.ParseEngine(s)
	if err != nil {
		return err
	}
	*v.e = e
	return nil
}

func (engineValue) Type() string { return "engine" }

// bigAlias is the deprecated --big flag: --engine big.
type bigAlias struct{ e *cert.Engine }

func (v bigAlias) String() string { return strconv.FormatBool(v.e != nil && *v.e == cert.EngineBig) }
func (bigAlias) Type() string     { return "bool" }
func (bigAlias) IsBoolFlag() bool { return true }
func (v bigAlias) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	if b {
		*v.e = cert.EngineBig
	}
	return nil
}

// addEngineFlags adds --engine (and, with alias, the deprecated --big) to a command.
func addEngineFlags(f *pflag.FlagSet, e *cert.Engine, alias bool) {
	f.Var(engineValue{e}, "engine", "evaluation engine: auto (int64, then 128, 192 or 256-bit integers where proven exact, else math/big), big (math/big only) or reference (plain rational evaluation); all give the same exact values")
	if alias {
		f.Var(bigAlias{e}, "big", "deprecated: the same as --engine big")
		f.Lookup("big").NoOptDefVal = "true"
	}
}
