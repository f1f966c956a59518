package workspace

import (
	"strconv"
	"strings"
)

// fullKept is how many runs of a workspace keep their whole timeline (every
// task's plan) in memory; the others keep only their segments' summaries,
// which is all admission, run states and runs/list need. A 150-task run's
// whole timeline is some 30 KB: 2,000 of them were most of a big
// workspace's memory.
const fullKept = 64

// segTemplate is the summary of the first segment of a run that nothing
// but its task set, durations and simulate parameters shape (see
// templateKey), relative to the segment's start: every such run has the
// same one, shifted in time.
type segTemplate struct {
	taskStart, end int64
	cut            int64 // 0: no cut
	cutKind        string
	life, result   string
	message        string
	code, kind     string
}

// templateKey names the segTemplate r's timeline follows, or ok false when
// r's timeline depends on more (a cancel, a repair, excluded tasks, ids
// not reserved in one go).
func templateKey(r *runDoc) (key string, ok bool) {
	if len(r.Segments) != 1 || len(r.Excluded) > 0 {
		return "", false
	}
	sg := r.Segments[0]
	if sg.CancelAt != 0 || len(sg.TaskCancels) > 0 || sg.IDs != nil || len(sg.Params) > 0 ||
		!equalKeys(sg.Keys, sg.ts.keys) || !equalKeys(r.Order, sg.ts.keys) {
		return "", false
	}
	var b strings.Builder
	b.WriteString(sg.ts.hash)
	b.WriteByte(' ')
	b.WriteString(strconv.FormatInt(r.DurationMS, 10))
	b.WriteByte(' ')
	b.WriteString(strconv.FormatInt(r.TimeoutSec, 10))
	for _, p := range r.Params {
		if strings.HasPrefix(p.Name, "simulate_") {
			b.WriteString(" " + strconv.Quote(p.Name) + "=" + strconv.Quote(p.Value))
		}
	}
	return b.String(), true
}

// planTimeline is the timeline admission caches for r: light (segment
// summaries only; see fullTimeline). Runs that follow a template get
// theirs without planning a task.
func (sp *space) planTimeline(r *runDoc, start int64, skipped bool) *timeline {
	if skipped {
		return &timeline{queuedAt: r.Created, start: start, skipped: true, light: true}
	}
	key, ok := templateKey(r)
	if ok {
		if tp := sp.templates[key]; tp != nil {
			st := &segTL{start: start, taskStart: start + tp.taskStart, end: start + tp.end, cutKind: tp.cutKind,
				life: tp.life, result: tp.result, message: tp.message, code: tp.code, kind: tp.kind}
			if tp.cut != 0 {
				st.cut = start + tp.cut
			}
			return &timeline{queuedAt: r.Created, start: start, light: true, segs: []*segTL{st}}
		}
	}
	tl := buildTimeline(r, start, false)
	if ok {
		st := tl.segs[0]
		tp := &segTemplate{taskStart: st.taskStart - start, end: st.end - start, cutKind: st.cutKind,
			life: st.life, result: st.result, message: st.message, code: st.code, kind: st.kind}
		if st.cut != 0 {
			tp.cut = st.cut - start
		}
		if sp.templates == nil {
			sp.templates = map[string]*segTemplate{}
		}
		sp.templates[key] = tp
	}
	lighten(tl)
	return tl
}

// lighten drops the task plans from tl, keeping its segments' summaries.
// The segments are replaced, not changed, and tl stays the same value, so
// what was cached against it (runs/list items) stays valid.
func lighten(tl *timeline) {
	for i, st := range tl.segs {
		ls := *st
		ls.tasks, ls.taskRunIDs = nil, nil
		tl.segs[i] = &ls
	}
	tl.light = true
}

// fullTimeline returns r's timeline with every task's plan, planning it
// again if only the summary was kept. At most fullKept runs of the
// workspace keep theirs; the oldest made full is made light again.
func (sp *space) fullTimeline(r *runDoc) *timeline {
	tl := sp.timelineOf(r)
	if !tl.light {
		return tl
	}
	full := buildTimeline(r, tl.start, tl.skipped)
	tl.segs, tl.light = full.segs, false
	sp.fullRuns = append(sp.fullRuns, r)
	if len(sp.fullRuns) > fullKept {
		old := sp.fullRuns[0]
		sp.fullRuns[0] = nil
		sp.fullRuns = sp.fullRuns[1:]
		if old != r && old.tl != nil && !old.tl.light {
			lighten(old.tl)
		}
	}
	return tl
}
