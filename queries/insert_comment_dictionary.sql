-- insert_comment_dictionary: store the registered, validated frame `new_comment_dictionary`
-- (theme, lang, term, label). params: none.
insert into comment_dictionary (theme, lang, term, label)
select theme, lang, term, nullif(label, '') from new_comment_dictionary
