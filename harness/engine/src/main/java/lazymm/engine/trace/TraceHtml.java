package lazymm.engine.trace;

import java.util.List;
import lazymm.model.sim.KernelNames;
import lazymm.model.sim.Violation;

/**
 * A traced execution as one self-contained HTML page (no network, no external file): a lane per
 * CPU, time going down (an event starts in its CPU's lane and runs over the lanes to its right,
 * as in the text view), the violating event highlighted and the objects its report names marked;
 * the short view (what leads to the violation) or every event; hovering an event shows it in
 * full, clicking pins it in the side panel.
 */
public final class TraceHtml {

    private TraceHtml() {}

    public static String render(String title, String program, List<TraceEvent> events, int cpus, Violation v) {
        boolean[] keep = TraceView.select(events, cpus, v, false);
        StringBuilder sb = new StringBuilder(64 * events.size() + 4096);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>lazymm: ")
                .append(esc(title)).append("</title>\n<style>\n")
                .append("body{font:13px/1.35 ui-monospace,Menlo,Consolas,monospace;margin:0;color:#222}\n")
                .append("header{position:sticky;top:0;background:#fff;border-bottom:1px solid #bbb;padding:6px 10px;z-index:2}\n")
                .append("h1{font-size:15px;margin:0 0 4px}\n.prog{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\n.viol{color:#b00020;font-weight:bold;white-space:pre-wrap}\n")
                .append("#grid{display:grid;grid-template-columns:4.5em repeat(").append(cpus)
                .append(",minmax(16em,1fr));margin-right:24em}\n")
                .append(".h{font-weight:bold;position:sticky;top:5.6em;background:#eee;padding:2px 4px;border-bottom:1px solid #aaa}\n")
                .append(".s{grid-column:1;color:#888;text-align:right;padding:1px 6px}\n")
                .append(".e{padding:1px 4px;border-left:1px solid #ddd;overflow-wrap:anywhere;cursor:pointer}\n")
                .append(".e:hover,.e.pin{background:#fff3c4}\n.SWITCH{color:#1b5e20;font-weight:bold}\n.IRQ,.IPI{color:#0d47a1;font-weight:bold}\n")
                .append(".DRAIN{color:#6a1b9a}\n.NOTE{color:#00695c;font-style:italic}\n.PREEMPT,.CHOICE{color:#e65100}\n.touch>span{background:#fdecea}\n")
                .append(".bad{background:#b00020!important;color:#fff!important;font-weight:bold;scroll-margin-top:9em}\n.bad>span{background:none!important}\n")
                .append("body.short .r.x{display:none}\n")
                .append("#panel{position:fixed;right:0;top:6.5em;bottom:0;width:23em;border-left:1px solid #bbb;background:#fafafa;")
                .append("padding:8px;white-space:pre-wrap;overflow-wrap:anywhere;overflow:auto;z-index:3}\n")
                .append(".r{display:contents}\n</style></head>\n<body class=\"short\">\n<header><h1>")
                .append(esc(title)).append("</h1><div class=\"prog\" title=\"").append(esc(program)).append("\">program: ")
                .append(esc(program)).append("</div>");
        if (v != null) {
            sb.append("<div class=\"viol\">VIOLATION ").append(esc(v.signature())).append(": ")
                    .append(esc(v.getMessage())).append(" <a href=\"#violation\">(go to it)</a></div>");
        }
        sb.append("<label><input type=\"checkbox\" id=\"full\"> every event (otherwise: what leads to the violation, ")
                .append("and the switches)</label> &middot; ").append(events.size()).append(" events</header>\n");
        sb.append("<div id=\"panel\">hover an event to see it in full; click to pin it</div>\n<div id=\"grid\">\n");
        sb.append("<div class=\"h\">step</div>");
        for (int c = 0; c < cpus; c++) sb.append("<div class=\"h\">cpu").append(c).append("</div>");
        sb.append('\n');
        java.util.Set<String> objs = TraceView.objectsOf(v);
        for (int i = 0; i < events.size(); i++) {
            TraceEvent e = events.get(i);
            int c = e.cpu >= 0 && e.cpu < cpus ? e.cpu : 0;
            boolean bad = v != null && i == events.size() - 1;
            String cls = e.kind.name() + (TraceView.touches(e, objs) ? " touch" : "") + (bad ? " bad" : "");
            StringBuilder full = new StringBuilder();
            full.append("step ").append(e.step).append(", cpu").append(e.cpu);
            if (!e.task.isEmpty()) full.append(", task ").append(e.task);
            full.append('\n').append(e.kind.name().toLowerCase()).append(": ").append(TraceView.text(e, true));
            if (e.kind == TraceEvent.Kind.ACCESS) {
                full.append("\nfunction ").append(KernelNames.function(e.site)).append(" at ").append(KernelNames.where(e.site));
            }
            for (String[] lv : e.values) full.append('\n').append(lv[0]).append(' ').append(lv[1]);
            if (bad) full.append("\n\n").append(v.getMessage());
            sb.append("<div class=\"r").append(keep[i] ? "" : " x").append("\"><div class=\"s\">").append(e.step)
                    .append("</div><div class=\"e ").append(cls).append("\" style=\"grid-column:").append(c + 2).append("/-1")
                    .append(bad ? "\" id=\"violation" : "")
                    .append("\" title=\"").append(esc(full.toString())).append("\">")
                    .append("<span>").append(esc(TraceView.text(e, false))).append("</span></div></div>\n");
        }
        sb.append("</div>\n<script>\n")
                .append("const p=document.getElementById('panel');let pin=null;\n")
                .append("const bad=document.getElementById('violation');if(bad)p.textContent=bad.title;\n")
                .append("document.getElementById('full').onchange=e=>document.body.classList.toggle('short',!e.target.checked);\n")
                .append("for(const d of document.querySelectorAll('.e')){\n")
                .append(" d.onmouseenter=()=>{if(!pin)p.textContent=d.title};\n")
                .append(" d.onclick=()=>{if(pin)pin.classList.remove('pin');pin=pin===d?null:d;if(pin){d.classList.add('pin');p.textContent=d.title}};}\n")
                .append("</script>\n</body></html>\n");
        return sb.toString();
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\n' -> sb.append("&#10;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
