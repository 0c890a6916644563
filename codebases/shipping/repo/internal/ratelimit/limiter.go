// Package ratelimit counts events per client in fixed windows, in this process's memory.
//
// It guards authentication: a client that keeps presenting bad keys is refused for the rest of
// the window, so keys cannot be guessed at speed.
package ratelimit

import (
	"sync"
	"time"
)

// Limiter allows at most Max events per key per Window.
type Limiter struct {
	Max    int
	Window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	windows map[string]*window
}

type window struct {
	start time.Time
	count int
}

// New makes a limiter; max 0 disables it.
func New(max int, per time.Duration) *Limiter {
	return &Limiter{Max: max, Window: per, now: time.Now, windows: map[string]*window{}}
}

// Exceeded says whether key has used up its window, and when the window ends.
func (l *Limiter) Exceeded(key string) (bool, time.Duration) {
	if l.Max == 0 {
		return false, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.current(key)
	return w.count >= l.Max, l.Window - l.now().Sub(w.start)
}

// Add counts one event for key.
func (l *Limiter) Add(key string) {
	if l.Max == 0 {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.current(key).count++
	if len(l.windows) > 10000 {
		l.sweep()
	}
}

func (l *Limiter) current(key string) *window {
	now := l.now()
	w, ok := l.windows[key]
	if !ok || now.Sub(w.start) >= l.Window {
		w = &window{start: now}
		l.windows[key] = w
	}
	return w
}

// sweep drops finished windows (called with the lock held).
func (l *Limiter) sweep() {
	now := l.now()
	for k, w := range l.windows {
		if now.Sub(w.start) >= l.Window {
			delete(l.windows, k)
		}
	}
}
