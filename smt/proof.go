package smt

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"certify/cert"
)

// Codes of the solver's verdict on the SMT-LIB proof a no-fit claim names.
const (
	CodeProofHash cert.Code = "nofit-proof-hash" // the file is not the one the claim's SHA-256 names
	CodeProofSat  cert.Code = "nofit-proof-sat"  // a solver answered sat on the proof: it proves nothing
)

// rerunProof re-runs the SMT-LIB proof that a no-fit claim resting on a solver names: the
// file must have the recorded SHA-256, and one of opt.Rerun must answer unsat at every
// check-sat. opt.Timeout, when set, bounds the whole re-run.
func rerunProof(ctx context.Context, rec *cert.SolverRecord, i int, v *ClaimVerdict, opt CheckOptions) {
	v.Discharged = true
	v.How = "the SMT-LIB proof the claim names, re-run"
	undecided := func(why string) { v.Status, v.Reason = cert.Undecided, why }
	if rec.SMTLIB == "" {
		undecided("the claim names no SMT-LIB file to re-run")
		return
	}
	data, err := opt.ReadFile(rec.SMTLIB)
	if err != nil {
		undecided(fmt.Sprintf("cannot read the proof %s: %v", rec.SMTLIB, err))
		return
	}
	sum := sha256.Sum256(data)
	got := hex.EncodeToString(sum[:])
	if rec.SHA256 != "" && got != rec.SHA256 {
		v.Status = cert.Refuted
		v.Failure = &Failure{Code: CodeProofHash, Path: fmt.Sprintf("claims[%d].solver.sha256", i), Point: -1,
			Message: fmt.Sprintf("%s has SHA-256 %s, the claim names %s", rec.SMTLIB, got, rec.SHA256)}
		return
	}
	if len(opt.Rerun) == 0 {
		undecided("no solver program (z3, cvc5) to re-run the proof")
		return
	}
	if opt.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opt.Timeout)
		defer cancel()
	}
	st, who, checks, err := ConfirmUnsat(ctx, string(data), opt.Rerun)
	hashNote := "SHA-256 matches"
	if rec.SHA256 == "" {
		hashNote = "no SHA-256 recorded"
	}
	switch st {
	case Unsat:
		v.Checked = checks
		v.How = fmt.Sprintf("the proof %s (%s) re-run: %s answered unsat at all %d check-sat", rec.SMTLIB, hashNote, who, checks)
	case Sat:
		v.Status = cert.Refuted
		v.Failure = &Failure{Code: CodeProofSat, Path: fmt.Sprintf("claims[%d].solver.smtlib", i), Point: -1,
			Message: fmt.Sprintf("%s answered sat on a check-sat of %s: the proof does not hold", who, rec.SMTLIB)}
	default:
		why := "no program answered unsat at every check-sat in time"
		if err != nil {
			why += ": " + err.Error()
		}
		undecided(why)
	}
}
