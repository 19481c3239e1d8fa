-- restore_sequence: advance a fresh sequence by $steps values, so its next value continues the backup.
-- params: $sequence (a sequence name from backup_sequences), $steps (>= 0). output: the last value drawn.
select max(nextval($sequence)) from range($steps)
