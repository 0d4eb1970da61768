package dictdb

import (
	"context"
	"fmt"
	"io"
)

// Cancellable long operations. Every operation that reads or writes a
// whole database, table or file has a form taking a context.Context, named
// as database/sql names them: the method's name with Context appended, ctx
// first (SaveContext, LoadContext, ImportCSVContext, ExportCSVContext,
// RestoreBackupContext, ScanContext). The plain forms run with
// context.Background().
//
// The operations look at ctx before they start and then as they go: the
// file operations before every read or write of their input or output
// (at most every 64 KiB or so, some thousands of records), the scans every
// checkEvery rows. Once ctx ends they stop and return an error wrapping
// ctx.Err(), and they leave nothing half-done:
//
//   - a cancelled save (SaveContext, ExportCSVContext) removes its temporary
//     file and leaves the file it would have replaced as it was (a save
//     that completed all its writing still looks at ctx once more before it
//     replaces the file);
//   - a cancelled load (LoadContext, RestoreBackupContext) returns no
//     database;
//   - a cancelled import (ImportCSVContext) creates no table.
//
// An operation that finished before ctx ended reports success.

// ctxReader is a reader that fails with ctx.Err() once ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// ctxWriter is a writer that fails with ctx.Err() once ctx ends.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// withContext wraps r to fail once ctx ends; a context that never ends
// leaves r as it is.
func readerWithContext(ctx context.Context, r io.Reader) io.Reader {
	if ctx.Done() == nil {
		return r
	}
	return ctxReader{ctx, r}
}

// writerWithContext wraps w to fail once ctx ends; a context that never
// ends leaves w as it is.
func writerWithContext(ctx context.Context, w io.Writer) io.Writer {
	if ctx.Done() == nil {
		return w
	}
	return ctxWriter{ctx, w}
}

// cancelled returns the error of an operation op that failed with err:
// once ctx has ended, whatever the reader, writer or decoder made of
// ctx.Err() (a truncated input, say), the operation was cancelled, and the
// error says so and wraps ctx.Err(). Otherwise err itself.
func cancelled(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("dictdb: %s: %w", op, cerr)
	}
	return err
}

// nilContext rejects a nil context, as database/sql does not: a nil
// context is a programming error better reported than dereferenced.
func nilContext(ctx context.Context, op string) error {
	if ctx == nil {
		return fmt.Errorf("%w: %s needs a context (context.Background() for none)", ErrInvalidArgument, op)
	}
	return nil
}
