# The two commands a newcomer needs:
#   make demo   — the main job on built-in data
#   make test   — the tests
# Both install what a fresh Debian machine lacks (libz3-dev, z3, cvc5, Fashion-MNIST).

GO ?= go
BIN := ./certify
# The kernel's AVX-512 lanes (cert/sum_simd.go) need Go's simd experiment; without it
# (GOEXPERIMENT= make build) the scalar loops run, with the same exact results.
GOEXPERIMENT ?= simd
export GOEXPERIMENT

.PHONY: demo test deps build bench bench-numpy fuzz fashion capacity

deps:
	@sh scripts/deps.sh

build: deps
	$(GO) build -o $(BIN) ./cmd/certify

demo: build
	@sh scripts/demo.sh $(BIN)

test: deps
	GOEXPERIMENT= $(GO) vet ./...
	GOEXPERIMENT= $(GO) test -timeout 25m ./...
	$(GO) vet ./cert
	$(GO) test -timeout 10m ./cert
	CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/certify

# Benchmarks named in the issues (figures in the closing notes).
bench: deps
	$(GO) test ./cert -run XXX -bench . -benchtime 3x -benchmem
	$(GO) test ./pwl -run XXX -bench . -benchtime 1x -benchmem
	$(GO) test ./construct -run XXX -bench . -benchtime 1x
	$(GO) test ./smt/z3solver -run XXX -bench Dual -benchtime 1x -timeout 30m

# certify's exact check beside NumPy (python3-numpy, libopenblas0) on a float32 MLP and
# Fashion-MNIST, in one run; BENCH_YUN=1 adds the yun-classify certificate (minutes).
bench-numpy: build
	sh scripts/bench_numpy.sh $(BIN)

fuzz:
	$(GO) test ./cert -run XXX -fuzz FuzzDecode -fuzztime 60s

# The capacity table on alternating data, every architecture with ≤ 4 hidden units, with
# certificates both ways (testdata/capacity; about 10 minutes, most of it (2,2) at N = 7).
capacity: build
	sh scripts/capacity_table.sh $(BIN)
