package dev.parley.cli;

import dev.parley.client.SessionTrace;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link SessionTrace} as one self-contained HTML page: an inline SVG ladder (one column
 * per address, one numbered arrow per message, labelled with {@link SessionTrace.Message#label()}),
 * a pane that shows the full message of the arrow under the pointer (a click pins it), and every
 * message in full below, numbered like the arrows. Inline CSS and JavaScript, no external asset;
 * without JavaScript each arrow is a link to its message.
 *
 * <p>The markup is well-formed XML (XHTML syntax, scripts in CDATA) so that tests and tools can
 * parse it. Stateless and thread-safe.
 */
final class LadderHtml {
  private static final int COLUMN = 300;
  private static final int ROW = 36;
  private static final int LEFT = 130;
  private static final int TOP = 70;

  private static final List<String> KINDS = List.of("request", "provisional", "success", "failure");

  private LadderHtml() {}

  /** The page for {@code trace}, titled {@code title} (the file name, say). */
  static String render(SessionTrace trace, String title) {
    List<SessionTrace.Message> messages = trace.messages();
    List<String> columns = columns(messages);
    int width = LEFT + (columns.size() - 1) * COLUMN + 150;
    int height = TOP + messages.size() * ROW + 30;
    StringBuilder h = new StringBuilder(8192 + messages.size() * 1024);
    h.append("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n")
        .append("<meta charset=\"utf-8\"/>\n<title>").append(esc(title)).append(" - SIP ladder</title>\n")
        .append("<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    h.append("<h1>").append(esc(title)).append("</h1>\n<p class=\"summary\">")
        .append(messages.size()).append(" SIP messages");
    if (!messages.isEmpty()) {
      h.append(", ").append(esc(messages.get(0).time().toString())).append(" to ")
          .append(esc(messages.get(messages.size() - 1).time().toString()));
    }
    if (trace.dropped() > 0) {
      h.append(" (").append(trace.dropped()).append(" earlier messages dropped)");
    }
    h.append(". Point at an arrow to see its message; click to keep it.</p>\n");
    h.append("<div class=\"layout\">\n<div class=\"ladder\">\n");
    h.append("<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"")
        .append(" id=\"ladder\" width=\"").append(width).append("\" height=\"").append(height)
        .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height).append("\">\n");
    h.append("<defs>");
    for (String kind : KINDS) {
      h.append("<marker id=\"head-").append(kind).append("\" markerWidth=\"10\" markerHeight=\"8\"")
          .append(" refX=\"9\" refY=\"4\" orient=\"auto\" markerUnits=\"userSpaceOnUse\">")
          .append("<path d=\"M0,0 L10,4 L0,8 z\" class=\"head-").append(kind).append("\"/></marker>");
    }
    h.append("</defs>\n");
    java.util.Set<String> locals = new java.util.HashSet<>();
    for (SessionTrace.Message m : messages) {
      locals.add(address(m.local()));
    }
    for (int c = 0; c < columns.size(); c++) {
      int x = x(c);
      h.append("<text class=\"column\" x=\"").append(x).append("\" y=\"22\">")
          .append(esc(columns.get(c))).append("</text>\n");
      h.append("<text class=\"role\" x=\"").append(x).append("\" y=\"38\">")
          .append(locals.contains(columns.get(c)) ? "this side" : "peer").append("</text>\n");
      h.append("<line class=\"lifeline\" x1=\"").append(x).append("\" y1=\"46\" x2=\"").append(x)
          .append("\" y2=\"").append(height - 10).append("\"/>\n");
    }
    long start = messages.isEmpty() ? 0 : messages.get(0).time().toEpochMilli();
    for (int n = 0; n < messages.size(); n++) {
      SessionTrace.Message m = messages.get(n);
      int local = columns.indexOf(address(m.local()));
      int remote = columns.indexOf(address(m.remote()));
      boolean sent = m.direction() == SessionTrace.Direction.SENT;
      int x1 = x(sent ? local : remote);
      int x2 = x(sent ? remote : local);
      int y = TOP + n * ROW + 20;
      String time = String.format(Locale.ROOT, "%.3f", (m.time().toEpochMilli() - start) / 1000.0);
      int number = n + 1;
      h.append("<a xlink:href=\"#message-").append(number).append("\" href=\"#message-")
          .append(number).append("\">\n");
      h.append("<g class=\"arrow ").append(kind(m)).append("\" id=\"arrow-").append(number)
          .append("\" data-n=\"").append(number).append("\">\n");
      h.append("<title>").append(esc(number + ". " + m.startLine())).append("</title>\n");
      h.append("<rect class=\"hit\" x=\"0\" y=\"").append(y - 22).append("\" width=\"").append(width)
          .append("\" height=\"").append(ROW).append("\"/>\n");
      h.append("<text class=\"number\" x=\"8\" y=\"").append(y + 4).append("\">").append(number)
          .append("</text>\n<text class=\"time\" x=\"40\" y=\"").append(y + 4).append("\">")
          .append(time).append(" s</text>\n");
      h.append("<line class=\"shaft\" x1=\"").append(x1).append("\" y1=\"").append(y)
          .append("\" x2=\"").append(x2 + (x2 > x1 ? -2 : 2)).append("\" y2=\"").append(y)
          .append("\" marker-end=\"url(#head-").append(kind(m)).append(")\"/>\n");
      h.append("<text class=\"label\" x=\"").append((x1 + x2) / 2).append("\" y=\"").append(y - 6)
          .append("\">").append(esc(m.label())).append("</text>\n</g>\n</a>\n");
    }
    h.append("</svg>\n</div>\n");
    h.append("<aside class=\"detail\"><h2 id=\"detail-title\">Message</h2>")
        .append("<pre id=\"detail\">Point at an arrow.</pre></aside>\n</div>\n");
    h.append("<h2>Messages</h2>\n<ol class=\"messages\">\n");
    for (int n = 0; n < messages.size(); n++) {
      SessionTrace.Message m = messages.get(n);
      int number = n + 1;
      h.append("<li id=\"message-").append(number).append("\"><h3>").append(number).append(". ")
          .append(esc(m.time().toString())).append(' ').append(m.direction()).append(' ')
          .append(m.transport()).append(' ').append(esc(address(m.local())))
          .append(m.direction() == SessionTrace.Direction.SENT ? " \u2192 " : " \u2190 ")
          .append(esc(address(m.remote()))).append("</h3>\n<pre class=\"message\">")
          .append(esc(m.text())).append("</pre></li>\n");
    }
    h.append("</ol>\n<script>//<![CDATA[\n").append(JS).append("//]]></script>\n</body>\n</html>\n");
    return h.toString();
  }

  /** Columns in the order of {@link SessionTrace#ladder()}: local addresses first, then remote. */
  static List<String> columns(List<SessionTrace.Message> messages) {
    List<String> columns = new ArrayList<>();
    for (SessionTrace.Message m : messages) {
      add(columns, address(m.local()));
    }
    for (SessionTrace.Message m : messages) {
      add(columns, address(m.remote()));
    }
    if (columns.size() < 2) {
      columns.add("?");
    }
    return columns;
  }

  private static void add(List<String> columns, String a) {
    if (!columns.contains(a)) {
      columns.add(a);
    }
  }

  private static int x(int column) {
    return LEFT + column * COLUMN;
  }

  private static String kind(SessionTrace.Message m) {
    if (m.isRequest()) {
      return "request";
    }
    String line = m.startLine();
    char c = line.length() > 8 ? line.charAt(8) : '5';
    return switch (c) {
      case '1' -> "provisional";
      case '2' -> "success";
      default -> "failure";
    };
  }

  static String address(InetSocketAddress a) {
    String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** Escapes text for element content and attribute values; control characters become U+FFFD. */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\r' -> { } // the wire's CRLF shows as one line end
        default -> b.append(c < 0x20 && c != '\n' && c != '\t' ? '\uFFFD' : c);
      }
    }
    return b.toString();
  }

  private static final String CSS = """
      body { font-family: system-ui, sans-serif; margin: 16px 24px; color: #1d2330; background: #fff; }
      h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 18px 0 8px; }
      h3 { font-size: 13px; font-weight: 600; margin: 10px 0 4px; font-family: ui-monospace, monospace; }
      .summary { color: #555; margin: 0 0 12px; font-size: 14px; }
      .layout { display: flex; gap: 20px; align-items: flex-start; }
      .ladder { flex: 0 0 auto; overflow-x: auto; }
      .detail { flex: 1 1 360px; position: sticky; top: 8px; min-width: 320px; }
      .detail h2 { margin-top: 0; }
      pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; background: #f5f6f8;
            border: 1px solid #dde1e6; border-radius: 6px; padding: 10px; white-space: pre-wrap;
            word-break: break-all; margin: 0; }
      #detail { max-height: 80vh; overflow: auto; }
      svg { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
      .column { font-size: 13px; font-weight: 600; text-anchor: middle; fill: #1d2330; }
      .role { font-size: 11px; text-anchor: middle; fill: #8a93a0; font-family: system-ui, sans-serif; }
      .lifeline { stroke: #9aa4b2; stroke-width: 2; stroke-dasharray: 4 3; }
      .number { font-size: 12px; fill: #555; } .time { font-size: 12px; fill: #8a93a0; }
      .label { font-size: 13px; text-anchor: middle; fill: #1d2330; }
      .shaft { stroke-width: 2; stroke: currentColor; }
      .head-request { fill: #2456c8; } .head-provisional { fill: #8a93a0; }
      .head-success { fill: #1e8a4c; } .head-failure { fill: #c8322f; }
      .arrow { cursor: pointer; } .hit { fill: transparent; }
      .arrow:hover .hit, .arrow.selected .hit { fill: #eef3ff; }
      .request { color: #2456c8; } .provisional { color: #8a93a0; }
      .success { color: #1e8a4c; } .failure { color: #c8322f; }
      .request .label { font-weight: 600; }
      ol.messages { padding-left: 0; list-style: none; }
      ol.messages li:target pre { border-color: #2456c8; }
      """;

  private static final String JS = """
      (function () {
        var detail = document.getElementById('detail');
        var title = document.getElementById('detail-title');
        var pinned = null;
        function show(n) {
          var item = document.getElementById('message-' + n);
          if (!item) { return; }
          title.textContent = item.querySelector('h3').textContent;
          detail.textContent = item.querySelector('pre').textContent;
          var arrows = document.querySelectorAll('.arrow');
          for (var i = 0; i !== arrows.length; i++) {
            arrows[i].classList.toggle('selected', arrows[i].getAttribute('data-n') === String(n));
          }
        }
        var all = document.querySelectorAll('.arrow');
        for (var i = 0; i !== all.length; i++) {
          (function (arrow) {
            var n = arrow.getAttribute('data-n');
            arrow.addEventListener('mouseenter', function () { if (pinned === null) { show(n); } });
            arrow.parentNode.addEventListener('click', function (e) {
              e.preventDefault();
              pinned = pinned === n ? null : n;
              show(n);
            });
          })(all[i]);
        }
        if (all.length) { show(all[0].getAttribute('data-n')); }
      })();
      """;
}
