package main

import (
	_ "net/http/httptest"
	"testing"
	_ "testing/fstest"
)

func TestNothing(t *testing.T) {}
