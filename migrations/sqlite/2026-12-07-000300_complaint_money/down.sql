DROP TABLE complaint_follow_up_wishes;
DROP TABLE complaint_improvements;
DROP TABLE complaint_responsibilities;
DROP TABLE complaint_refunds;
DROP TABLE complaint_attachment_contents;
DROP TABLE complaint_attachments;
