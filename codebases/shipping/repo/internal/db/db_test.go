package db

import (
	"testing"
	"testing/fstest"
)

func TestDSNDropsDriverSuffixesAndDefaultsSSL(t *testing.T) {
	cases := map[string]string{
		"postgresql+psycopg://app:app@db:5432/app": "postgresql://app:app@db:5432/app?sslmode=disable",
		"postgres://u@h/d?connect_timeout=5":       "postgres://u@h/d?connect_timeout=5&sslmode=disable",
		"postgresql://u@h/d?sslmode=require":       "postgresql://u@h/d?sslmode=require",
	}
	for in, want := range cases {
		if got := DSN(in); got != want {
			t.Errorf("DSN(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMigrationsLoadInOrderAndRejectDuplicates(t *testing.T) {
	fs := fstest.MapFS{
		"0002_b.sql": {Data: []byte("SELECT 2")},
		"0001_a.sql": {Data: []byte("SELECT 1")},
		"README.md":  {Data: []byte("x")},
	}
	all, err := LoadMigrations(fs)
	if err != nil || len(all) != 2 || all[0].Version != 1 || all[1].Name != "b" {
		t.Fatalf("%+v %v", all, err)
	}
	fs["0002_c.sql"] = &fstest.MapFile{Data: []byte("SELECT 3")}
	if _, err := LoadMigrations(fs); err == nil {
		t.Fatal("duplicate version accepted")
	}
}
