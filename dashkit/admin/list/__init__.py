"""The list flow: the state a URL asks for, its query and pages, filters, exports."""
