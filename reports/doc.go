// Package reports turns results into tables and renders them: a Table model
// built from sim.Result or a model summary, and one renderer each for text
// (tablewriter), CSV, Markdown and JSON, with deterministic ordering so that
// outputs diff cleanly.
//
// Package reports imports sim (for its plain Result type) and rendering
// libraries only; it never imports nn, pruning or clustering: model
// summaries reach it as plain data (ModelSummary).
package reports
