// Package metrics keeps the process's counters and histograms and writes them in Prometheus'
// text format (GET /metrics). Labels are bounded: routes are patterns, never raw paths.
package metrics

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
)

// Registry holds every series of a process.
type Registry struct {
	mu         sync.Mutex
	counters   map[string]*family
	histograms map[string]*histFamily
}

type family struct {
	help   string
	values map[string]float64
}

type histFamily struct {
	help    string
	buckets []float64
	series  map[string]*histogram
}

type histogram struct {
	counts []uint64
	sum    float64
	count  uint64
}

// DefaultBuckets are request-duration buckets in seconds.
var DefaultBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// New makes an empty registry.
func New() *Registry {
	return &Registry{counters: map[string]*family{}, histograms: map[string]*histFamily{}}
}

// Inc adds delta to the counter name with labels (alternating key, value).
func (r *Registry) Inc(name, help string, delta float64, labels ...string) {
	key := labelString(labels)
	r.mu.Lock()
	defer r.mu.Unlock()
	f, ok := r.counters[name]
	if !ok {
		f = &family{help: help, values: map[string]float64{}}
		r.counters[name] = f
	}
	f.values[key] += delta
}

// Observe records v in the histogram name with labels.
func (r *Registry) Observe(name, help string, v float64, labels ...string) {
	key := labelString(labels)
	r.mu.Lock()
	defer r.mu.Unlock()
	f, ok := r.histograms[name]
	if !ok {
		f = &histFamily{help: help, buckets: DefaultBuckets, series: map[string]*histogram{}}
		r.histograms[name] = f
	}
	h, ok := f.series[key]
	if !ok {
		h = &histogram{counts: make([]uint64, len(f.buckets))}
		f.series[key] = h
	}
	for i, b := range f.buckets {
		if v <= b {
			h.counts[i]++
		}
	}
	h.sum += v
	h.count++
}

// Counter reads a counter's value (0 when absent); for tests and logs.
func (r *Registry) Counter(name string, labels ...string) float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if f, ok := r.counters[name]; ok {
		return f.values[labelString(labels)]
	}
	return 0
}

// Write writes every series in the text exposition format, sorted for stable output.
func (r *Registry) Write(w io.Writer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, name := range sortedKeys(r.counters) {
		f := r.counters[name]
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s counter\n", name, f.help, name)
		for _, labels := range sortedKeys(f.values) {
			fmt.Fprintf(&b, "%s%s %s\n", name, braces(labels), number(f.values[labels]))
		}
	}
	for _, name := range sortedKeys(r.histograms) {
		f := r.histograms[name]
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s histogram\n", name, f.help, name)
		for _, labels := range sortedKeys(f.series) {
			h := f.series[labels]
			for i, le := range f.buckets {
				fmt.Fprintf(&b, "%s_bucket%s %d\n", name, braces(join(labels, `le="`+number(le)+`"`)), h.counts[i])
			}
			fmt.Fprintf(&b, "%s_bucket%s %d\n", name, braces(join(labels, `le="+Inf"`)), h.count)
			fmt.Fprintf(&b, "%s_sum%s %s\n", name, braces(labels), number(h.sum))
			fmt.Fprintf(&b, "%s_count%s %d\n", name, braces(labels), h.count)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func labelString(labels []string) string {
	parts := make([]string, 0, len(labels)/2)
	for i := 0; i+1 < len(labels); i += 2 {
		parts = append(parts, labels[i]+`="`+escape(labels[i+1])+`"`)
	}
	return strings.Join(parts, ",")
}

func escape(v string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

func braces(labels string) string {
	if labels == "" {
		return ""
	}
	return "{" + labels + "}"
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "," + b
}

func number(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%g", v)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
