package main

// Cooperative stops. A capacity walk stops at its first N that does not fit, and an
// audit claim at its first refutation; a shard that holds later items would do work a
// single run does not. So a shard that reaches such a stop writes a marker into the
// shared --shard-dir (stop-KEY-WHAT, KEY naming the whole job), and every shard looks at
// the markers before it starts an item: an item past a marked stop is skipped and
// listed so in its partial result. Merge checks each skip against the partials (the
// marked stop must be in them, decided as the marker says) and writes what a single run
// writes, byte for byte: skipped items are exactly items a single run does not reach.
// Markers change which work is done, never the result; without a shared folder (or when
// a shard runs before the others reach their stops) the shards simply do more work.

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// jobKey names a job in marker files (the first 16 hex digits of its SHA-256).
func jobKey(job shardJob) string {
	b, _ := json.Marshal(job)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// stopPrefix is the name of a job's markers of one kind, up to the item number.
func stopPrefix(key, what string) string { return "stop-" + key + "-" + what + "-" }

// writeStop marks a stop at item k (its content: who wrote it). Failure to write is not
// an error: the marker only saves work.
func writeStop(dir, key, what string, k int, content string) {
	_ = os.MkdirAll(dir, 0o755)
	name := filepath.Join(dir, stopPrefix(key, what)+strconv.Itoa(k))
	tmp := name + ".tmp" + strconv.Itoa(os.Getpid())
	if os.WriteFile(tmp, []byte(content+"\n"), 0o644) == nil {
		_ = os.Rename(tmp, name)
	}
}

// readStop is the earliest stop marked (ok false: none).
func readStop(dir, key, what string) (int, bool) {
	names, _ := filepath.Glob(filepath.Join(dir, stopPrefix(key, what)+"*"))
	best, ok := 0, false
	for _, name := range names {
		k, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(name), stopPrefix(key, what)))
		if err != nil || k < 0 {
			continue // a temporary file, or not a marker
		}
		if !ok || k < best {
			best, ok = k, true
		}
	}
	return best, ok
}
