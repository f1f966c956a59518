package workspace

import (
	"slices"
	"sort"
)

// taskRef is the run a task run id belongs to.
type taskRef struct {
	runID int64
}

// taskIndex maps task run ids to their runs. A segment's ids reserved in
// one go (segment.idSpan) take one span, so a workspace of 2,000 runs of a
// 150-task job keeps 2,000 spans instead of 300,000 map entries; other
// segments' ids go in a map.
type taskIndex struct {
	spans []idSpan // sorted by from, disjoint
	ids   map[int64]int64
}

// idSpan is the task run ids [from, to) of one segment of run runID.
type idSpan struct{ from, to, runID int64 }

func newTaskIndex() taskIndex { return taskIndex{ids: map[int64]int64{}} }

// add indexes the task run ids of segment sg of run runID.
func (x *taskIndex) add(sg *segment, runID int64) {
	from, to, ok := sg.idSpan()
	if !ok {
		sg.eachID(func(id int64) { x.ids[id] = runID })
		return
	}
	s := idSpan{from, to, runID}
	if n := len(x.spans); n == 0 || x.spans[n-1].from < from {
		x.spans = append(x.spans, s) // the usual case: ids only grow
		return
	}
	i := sort.Search(len(x.spans), func(i int) bool { return x.spans[i].from >= from })
	if i < len(x.spans) && x.spans[i].from == from {
		x.spans[i] = s
		return
	}
	x.spans = append(x.spans, idSpan{})
	copy(x.spans[i+1:], x.spans[i:])
	x.spans[i] = s
}

// get returns the run task run id belongs to.
func (x *taskIndex) get(id int64) (taskRef, bool) {
	if rid, ok := x.ids[id]; ok {
		return taskRef{rid}, true
	}
	i := sort.Search(len(x.spans), func(i int) bool { return x.spans[i].to > id })
	if i < len(x.spans) && x.spans[i].from <= id {
		return taskRef{x.spans[i].runID}, true
	}
	return taskRef{}, false
}

// removeRuns forgets every task run id of the runs rs.
func (x *taskIndex) removeRuns(rs []*runDoc) {
	for _, r := range rs {
		for _, sg := range r.Segments {
			from, _, ok := sg.idSpan()
			if !ok {
				sg.eachID(func(id int64) {
					if x.ids[id] == r.RunID {
						delete(x.ids, id)
					}
				})
				continue
			}
			if len(x.spans) > 0 && x.spans[0].from == from {
				x.spans[0] = idSpan{}
				x.spans = x.spans[1:] // the oldest: nothing to copy
				continue
			}
			i := sort.Search(len(x.spans), func(i int) bool { return x.spans[i].from >= from })
			if i < len(x.spans) && x.spans[i].from == from && x.spans[i].runID == r.RunID {
				x.spans = slices.Delete(x.spans, i, i+1)
			}
		}
	}
}
