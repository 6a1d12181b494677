-- The propagation fields (W3C traceparent, B3, baggage: whatever the application's tracer
-- propagates) of the span that marks a run's start, so that every execution of the run,
-- the first and each resumption after a checkpoint, a crash or a deploy, joins one trace.
ALTER TABLE guarded_run ADD COLUMN trace_context VARCHAR(1000);
