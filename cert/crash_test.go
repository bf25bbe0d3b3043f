package cert

import (
	"math/big"
	"os"
	"strings"
	"testing"
	"time"
)

// A panicking engine: the panic of a point worker reaches the caller of runPoints (where
// the CLI turns it into exit 4), after the other workers have stopped.
type panicEngine struct{}

func (panicEngine) name() string            { return "panic" }
func (panicEngine) newEvaluator() evaluator { return panicEvaluator{} }

type panicEvaluator struct{}

func (panicEvaluator) eval(i int, out []*big.Rat, states [][]byte) int {
	if i == 1 {
		panic("point 1")
	}
	for _, o := range out {
		o.SetInt64(0)
	}
	return -1
}

func TestWorkerPanicReachesCaller(t *testing.T) {
	f, err := os.Open("../testdata/certs/valid/onehot_argmax.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := Decode(f, "", Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		r := recover()
		if s, ok := r.(string); !ok || !strings.Contains(s, "point 1") {
			t.Fatalf("recovered %v, want the worker's panic", r)
		}
	}()
	runPoints(c, panicEngine{}, []int{0}, false, Options{}, Options{}.budget(time.Now()), nil)
	t.Fatal("runPoints returned after a worker panicked")
}
