// Package cputime reads the CPU time the process has used, for
// benchmarks that report it next to wall time: on a shared machine it
// moves with the load much less than ns/op does.
package cputime
