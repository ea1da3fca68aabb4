"""Mail sources: files and IMAP folders, read into proposed rejections."""
