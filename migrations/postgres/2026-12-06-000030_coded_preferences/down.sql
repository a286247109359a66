-- The words replaced by codes are not kept; the codes stay (each is one of the old free-text values too).
SELECT 1;
