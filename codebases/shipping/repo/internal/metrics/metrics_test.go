package metrics

import (
	"strings"
	"testing"
)

func TestRegistryWritesCountersAndHistograms(t *testing.T) {
	r := New()
	r.Inc("jobs_total", "Jobs.", 1, "kind", "webhook.deliver", "outcome", "done")
	r.Inc("jobs_total", "Jobs.", 2, "kind", "webhook.deliver", "outcome", "done")
	r.Observe("d_seconds", "D.", 0.02, "route", `GET /v1/"x"`)
	var b strings.Builder
	if err := r.Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`jobs_total{kind="webhook.deliver",outcome="done"} 3`,
		`d_seconds_bucket{route="GET /v1/\"x\"",le="0.025"} 1`,
		`d_seconds_bucket{route="GET /v1/\"x\"",le="0.01"} 0`,
		`d_seconds_count{route="GET /v1/\"x\""} 1`,
		"# TYPE d_seconds histogram",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
	if r.Counter("jobs_total", "kind", "webhook.deliver", "outcome", "done") != 3 {
		t.Error("Counter")
	}
}
