"""The Excel surfaces: argument conversion, worksheet functions, ribbon actions, the desktop add-in
builder and the Office.js server. They translate and delegate to :mod:`dnqp.engine`."""
