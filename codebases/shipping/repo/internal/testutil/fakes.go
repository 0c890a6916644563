package testutil

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Call is one request a fake received.
type Call struct {
	Path    string
	Headers http.Header
	Body    []byte
}

// Carrier is a fake carrier API: it sells labels, and can be told to fail or to be slow.
type Carrier struct {
	*httptest.Server
	mu     sync.Mutex
	calls  []Call
	Status int           // answer with this status instead of a label (0: sell)
	Delay  time.Duration // wait this long before answering
}

// NewCarrier starts a fake carrier, stopped when the test ends.
func NewCarrier(t testing.TB) *Carrier {
	c := &Carrier{}
	c.Server = httptest.NewServer(http.HandlerFunc(c.serve))
	t.Cleanup(c.Close)
	return c
}

func (c *Carrier) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	c.mu.Lock()
	c.calls = append(c.calls, Call{Path: r.URL.Path, Headers: r.Header.Clone(), Body: body})
	n, status, delay := len(c.calls), c.Status, c.Delay
	c.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if status != 0 {
		w.WriteHeader(status)
		fmt.Fprint(w, `{"error":"carrier trouble"}`)
		return
	}
	if strings.HasSuffix(r.URL.Path, "/void") {
		fmt.Fprint(w, `{"voided":true}`)
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"carrier": "fake-carrier", "tracking_number": fmt.Sprintf("FC%08d", n),
		"label_url": fmt.Sprintf("https://labels.example/FC%08d.pdf", n), "price_cents": 795,
	})
}

// Calls are the requests received so far.
func (c *Carrier) Calls() []Call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Call(nil), c.calls...)
}

// Set changes how the fake answers from now on.
func (c *Carrier) Set(status int, delay time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.Status, c.Delay = status, delay
}

// Receiver is a webhook endpoint that records what it gets.
type Receiver struct {
	*httptest.Server
	mu    sync.Mutex
	calls []Call
}

// NewReceiver starts a webhook receiver, stopped when the test ends.
func NewReceiver(t testing.TB) *Receiver {
	rc := &Receiver{}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.calls = append(rc.calls, Call{Path: r.URL.Path, Headers: r.Header.Clone(), Body: body})
		rc.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// Calls are the deliveries received so far.
func (rc *Receiver) Calls() []Call {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Call(nil), rc.calls...)
}
