-- insert_upload: the lineage row of one upload.
insert into uploads (upload_id, file_name, sha256, format, encoding, instrument_id, respondent_type, kind,
                     rows_read, rows_loaded, rows_rejected, responses_superseded, loaded_by, report_json)
values ($upload_id, $file_name, $sha256, $format, $encoding, $instrument_id, $respondent_type, $kind,
        $rows_read, $rows_loaded, $rows_rejected, $superseded, $loaded_by, $report_json)
