package pagerun

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// answer is backpropRun's reply (see Serve): it decodes sourcesJSON, runs, and
// encodes the result as JSON. A panic outside the cells (the page's own functions
// throwing) ends the run with a refusal rather than the program.
func answer(lesson string, from int, sourcesJSON string, sink Sink) (reply string) {
	defer func() {
		if v := recover(); v != nil {
			reply = refusal(-1, fmt.Errorf("the run stopped: %v", v))
		}
	}()
	sources, err := decodeSources(sourcesJSON)
	if err != nil {
		return refusal(-1, err)
	}
	res, err := Run(lesson, from, sources, sink)
	if pe, ok := err.(*ParseError); ok {
		return refusal(pe.Cell, pe.Err)
	}
	if err != nil {
		return refusal(-1, err)
	}
	out, _ := json.Marshal(struct {
		OK bool `json:"ok"`
		Result
	}{true, res})
	return string(out)
}

// decodeSources reads {"3": "text", ...}: numbers cells' texts by index.
func decodeSources(sourcesJSON string) (map[int]string, error) {
	var raw map[string]string
	if sourcesJSON != "" {
		if err := json.Unmarshal([]byte(sourcesJSON), &raw); err != nil {
			return nil, fmt.Errorf("the page sent sources that are not a JSON object of strings: %v", err)
		}
	}
	sources := make(map[int]string, len(raw))
	for key, text := range raw {
		index, err := strconv.Atoi(key)
		if err != nil {
			return nil, fmt.Errorf("the page sent sources for %q, which is not a cell index", key)
		}
		sources[index] = text
	}
	return sources, nil
}

// refusal is the reply when nothing ran: cell is the numbers cell at fault (-1
// when the request itself is wrong).
func refusal(cell int, err error) string {
	out, _ := json.Marshal(struct {
		OK    bool      `json:"ok"`
		Cell  int       `json:"cell"`
		Error CellError `json:"error"`
	}{false, cell, CellError{Ename: "ERROR", Evalue: err.Error(), Traceback: []string{err.Error()}}})
	return string(out)
}
