-- Complaint themes, output: the example posts chosen for the top themes.
-- Parameters: ids (mention ids).
SELECT m.id, m.url, m.author_handle, m.author_name, m.source, m.title, m.text
FROM mentions AS m
WHERE m.id IN :ids
