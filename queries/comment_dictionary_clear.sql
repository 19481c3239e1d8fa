-- comment_dictionary_clear: drop the library's own theme dictionary (before a new one is stored,
-- or to go back to the shipped one). params: none.
delete from comment_dictionary
