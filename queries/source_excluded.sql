-- source_excluded: the data records a reader refused (a preview, an unfinished response, a
-- repeat, a blank line); the view `src` leaves them out.
-- params: none.
-- output: table source_excluded (_record).
create table source_excluded (_record bigint)
