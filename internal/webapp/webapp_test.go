package webapp

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestRunServesRequestsAndKeepsInvariants(t *testing.T) {
	var out bytes.Buffer
	db, err := Run(&out, 100*time.Millisecond, 4, 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"served ", "rows: sessions=", "snapshots taken while writing", "read latency:", "write latency:"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	events, err := db.Table("events")
	if err != nil || events.Count() == 0 {
		t.Fatalf("no events recorded: %v", err)
	}
	if _, err := Run(&out, 0, 4, 50); err == nil {
		t.Error("a zero duration must be rejected")
	}
}
