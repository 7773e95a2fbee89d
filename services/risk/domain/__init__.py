"""The dossier (关联查询): every event filed on the document it concerns, and the links between documents."""
