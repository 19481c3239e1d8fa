-- session_no_progress_bar: turn off DuckDB's own progress bar for this connection, so a long
-- streamed read (50 million kiosk presses) does not print over the CLI's output.
-- params: none.
set enable_progress_bar = false
