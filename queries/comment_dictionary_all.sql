-- comment_dictionary_all: the library's own theme dictionary (no rows: the shipped one is used).
-- params: none. output: theme, lang, term, label.
select theme, lang, term, coalesce(label, '') as label
from comment_dictionary
order by theme, lang, term
