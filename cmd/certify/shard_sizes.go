package main

// Shards of sizes. The work items are the (N, construction) rows in the order sizes
// tables them (N ascending, then --methods' order, the shallow constructions only up to
// --shallow-max-n); item k goes to shard k mod n + 1. merge puts the rows back in order,
// writes the plot into -o DIR and prints the table as sizes does.

import (
	"fmt"
	"os"
	"path/filepath"
)

// sizesJob are the options of a sizes job that change its result.
type sizesJob struct {
	Data         string `json:"data"`
	Labels       string `json:"labels,omitempty"`
	Format       string `json:"format,omitempty"`
	Task         string `json:"task,omitempty"`
	Classes      int    `json:"classes,omitempty"`
	SkipRows     int    `json:"skip_rows,omitempty"`
	LabelColumns int    `json:"label_columns,omitempty"`
	Ns           string `json:"n"`
	Methods      string `json:"methods"`
	CheckMaxN    int    `json:"check_max_n"`
	ShallowMax   int    `json:"shallow_max_n"`
	Bits         int    `json:"bits"`           // vardi-bits: Thm 6.2's budget
	Plot         string `json:"plot,omitempty"` // base name
	JSON         bool   `json:"json"`
	Items        int    `json:"items"`
}

// sizesItem is one row of a shard.
type sizesItem struct {
	Item int `json:"item"`
	sizeRow
}

// sizesShardHook says which rows this run builds: all, or its shard's.
func sizesShardHook(o *sizesOptions) (func(int) bool, error) {
	if o.shard.spec == "" {
		return func(int) bool { return true }, nil
	}
	i, n, err := parseShard(o.shard.spec, o.shard.count, os.Getenv)
	if err != nil {
		return nil, malformed(err)
	}
	o.shard.i, o.shard.n = i, n
	return func(k int) bool { return k%n == i-1 }, nil
}

func writeSizesShard(o *sizesOptions, s *streams, rows []sizeRow, items int) error {
	i, n := o.shard.i, o.shard.n
	job := shardJob{Command: "sizes", Version: readVersion().Version, MaxDigits: o.maxDigits, Shards: n,
		Sizes: &sizesJob{Data: o.data.path, Labels: o.data.labels, Format: o.data.format, Task: o.data.task, Classes: o.data.classes,
			SkipRows: o.data.skipRows, LabelColumns: o.data.labelColumns, Ns: o.ns, Methods: o.methods, CheckMaxN: o.checkMaxN,
			ShallowMax: o.shallowMax, Bits: o.bits, JSON: o.json, Items: items}}
	if o.plot != "" {
		job.Sizes.Plot = filepath.Base(o.plot)
	}
	for _, path := range []string{o.data.path, o.data.labels} {
		if path == "" {
			continue
		}
		sum, err := fileSHA256(path, maxPartialBytes)
		if err != nil {
			return malformed(err)
		}
		job.Inputs = append(job.Inputs, shardInput{Path: path, SHA256: sum})
	}
	part := &shardPartial{Format: partialFormat, Job: job, Shard: i, Sizes: []sizesItem{}}
	j := 0
	for k := 0; k < items; k++ {
		if k%n == i-1 {
			if j >= len(rows) {
				return fmt.Errorf("sizes shard: %d rows for more items", len(rows))
			}
			part.Sizes = append(part.Sizes, sizesItem{Item: k, sizeRow: rows[j]})
			j++
		}
	}
	path, err := writePartial(o.shard.dir, part)
	if err != nil {
		return err
	}
	fmt.Fprintf(s.out, "shard %d/%d of sizes: %d of %d rows\nwrote %s\n", i, n, len(part.Sizes), items, path)
	return nil
}

func mergeSizesJob(o *mergeOptions, s *streams, job shardJob, parts []*shardPartial, paths []string) error {
	sj := job.Sizes
	if sj == nil {
		return malformed(fmt.Errorf("%s: a sizes job without its options", paths[0]))
	}
	if err := checkInputs(job); err != nil {
		return malformed(err)
	}
	byItem := make([]*sizesItem, sj.Items)
	for k, p := range parts {
		if p.Sizes == nil {
			return malformed(fmt.Errorf("%s: a partial of sizes without its rows", paths[k]))
		}
		for j := range p.Sizes {
			it := &p.Sizes[j]
			if it.Item < 0 || it.Item >= sj.Items || it.Item%job.Shards != p.Shard-1 {
				return malformed(fmt.Errorf("%s: row %d is not in shard %d's share of %d rows", paths[k], it.Item, p.Shard, sj.Items))
			}
			if byItem[it.Item] != nil {
				return malformed(fmt.Errorf("row %d is in two partial results", it.Item))
			}
			byItem[it.Item] = it
		}
	}
	rows := make([]sizeRow, 0, sj.Items)
	for k, it := range byItem {
		if it == nil {
			return malformed(fmt.Errorf("row %d (of %d) is in no partial result", k, sj.Items))
		}
		rows = append(rows, it.sizeRow)
	}
	so := &sizesOptions{globalOptions: o.globalOptions, json: sj.JSON}
	if sj.Plot != "" {
		if err := os.MkdirAll(o.out, 0o755); err != nil {
			return err
		}
		so.plot = filepath.Join(o.out, sj.Plot)
	}
	return reportSizes(so, s, rows)
}
