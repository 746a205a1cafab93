package dev.parley.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The module rules of docs/architecture.md, checked on the Java sources of every module of the
 * build (the {@code <module>}s of the root pom.xml, main and test code):
 *
 * <ol>
 *   <li><b>internal</b>: a module never uses another module's {@code internal} package (its
 *       implementation), in main or test code; a module's own tests may use its own internals.
 *   <li><b>layers</b>: main code uses only the modules below its own, as {@link #LAYERS} places
 *       them; test code may use whatever its POM brings in (a client test runs a real server).
 *   <li><b>packages</b>: main code lives in its module's own packages ({@code dev.parley.<name>}
 *       for module {@code parley-<name>}), so nothing reaches package-private code of another
 *       module by borrowing its package; no test sits in another module's internal package.
 * </ol>
 *
 * <p>A reference is any {@code dev.parley.<module>...} name in the code: an import (also static
 * or on demand) or a fully qualified name; comments, strings and character literals are not
 * code. Stateless; reads files only.
 */
final class ArchitectureRules {
  /**
   * The layers, lowest first: each module and the modules it may use directly; it may use what
   * those use too (transitively). A module of the build with no entry here is itself a breach:
   * give it its place.
   */
  static final Map<String, Set<String>> LAYERS = layers();

  private static Map<String, Set<String>> layers() {
    Map<String, Set<String>> m = new LinkedHashMap<>();
    m.put("json", Set.of());
    // the SIP codec; JSON only for a body (Parley's IM delivery results)
    m.put("sip", Set.of("json"));
    m.put("sdp", Set.of());
    // digest authentication: above the message codec, beside transport and transaction
    m.put("auth", Set.of("sip"));
    // media knows SDP and RTP, never SIP (DESIGN.md section 7)
    m.put("media", Set.of("sdp"));
    m.put("transport", Set.of("sip"));
    m.put("transaction", Set.of("transport"));
    m.put("testkit", Set.of("transport"));
    m.put("dialog", Set.of("transaction", "auth"));
    m.put("client", Set.of("dialog", "sdp", "media"));
    // the conference focus is a user agent with media (DESIGN.md section 7), never the client
    m.put("focus", Set.of("dialog", "sdp", "media"));
    // the server is a proxy, registrar and mailbox, and wires the focus in; never the client
    m.put("server", Set.of("auth", "transaction", "json", "focus"));
    // the browser client: a page (HTML, JavaScript) and no Java; the server app ships it
    m.put("web", Set.of());
    m.put("cli", Set.of("server", "client"));
    m.put("bench", Set.of("server", "client", "testkit"));
    m.put("it", Set.of("cli", "server", "client", "testkit"));
    m.put("architecture", Set.of());
    return Collections.unmodifiableMap(m);
  }

  static final String INTERNAL_RULE = "a module never uses another module's internal package";
  static final String LAYER_RULE = "layers depend downward only";
  static final String PACKAGE_RULE = "a module's code lives in its own packages";
  static final String ROLE_RULE = "a role's internal package is used by that role only";

  private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");
  private static final Pattern XML_COMMENT = Pattern.compile("<!--.*?-->", Pattern.DOTALL);
  private static final Pattern PACKAGE =
      Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);
  private static final Pattern REFERENCE =
      Pattern.compile("(?<![\\w$.])dev\\.parley\\.([A-Za-z_$][\\w$]*)((?:\\.[A-Za-z_$][\\w$]*)*)");

  private ArchitectureRules() {}

  /** One broken rule: where, the line as written, and the rule with what it means here. */
  record Breach(String file, int line, String code, String rule) {
    @Override
    public String toString() {
      return file + ":" + line + ": " + code + "\n    breaks: " + rule;
    }
  }

  /** Every breach in the build rooted at {@code root}, in module, file and line order. */
  static List<Breach> check(Path root) {
    List<String> modules = modules(root);
    Map<String, String> byName = new LinkedHashMap<>(); // package name -> module directory
    for (String dir : modules) {
      byName.put(nameOf(dir), dir);
    }
    List<Breach> out = new ArrayList<>();
    for (String dir : modules) {
      String name = nameOf(dir);
      if (!LAYERS.containsKey(name)) {
        out.add(new Breach(dir + "/pom.xml", 1, "<module>" + dir + "</module>",
            LAYER_RULE + ": module " + dir + " has no place in the layer table (ArchitectureRules.LAYERS);"
                + " give it one as docs/architecture.md places it"));
        continue;
      }
      Set<String> allowed = below(name);
      for (boolean main : new boolean[] {true, false}) {
        Path sources = root.resolve(dir).resolve(main ? "src/main/java" : "src/test/java");
        for (Path file : javaFiles(sources)) {
          check(root.relativize(file).toString().replace('\\', '/'), read(file), dir, name, main,
              allowed, byName, out);
        }
      }
    }
    return out;
  }

  /** The modules {@code name} may use: those its arrows reach, transitively. */
  static Set<String> below(String name) {
    Set<String> reached = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>(LAYERS.getOrDefault(name, Set.of()));
    while (!todo.isEmpty()) {
      String m = todo.pop();
      if (reached.add(m)) {
        todo.addAll(LAYERS.getOrDefault(m, Set.of()));
      }
    }
    return reached;
  }

  private static void check(String file, String source, String dir, String name, boolean main,
      Set<String> allowed, Map<String, String> byName, List<Breach> out) {
    String code = codeOnly(source);
    String[] lines = source.split("\n", -1);
    Matcher pkg = PACKAGE.matcher(code);
    String filePackage = "";
    if (pkg.find()) {
      String p = pkg.group(1);
      filePackage = p;
      String owner = ownerOf(p);
      int line = lineOf(code, pkg.start(1));
      if (main && !name.equals(owner)) {
        out.add(new Breach(file, line, lines[line - 1].strip(), PACKAGE_RULE + ": main code of "
            + dir + " belongs in dev.parley." + name + " or below it, not in " + p));
      } else if (!main && owner != null && !owner.equals(name) && isInternal(p)) {
        out.add(new Breach(file, line, lines[line - 1].strip(), INTERNAL_RULE + ": " + p
            + " is the implementation of " + moduleDir(owner, byName) + ", not of " + dir));
      }
      // the declaration names the file's own package: not a reference
      code = code.substring(0, pkg.start()) + " ".repeat(pkg.end() - pkg.start()) + code.substring(pkg.end());
    }
    Matcher ref = REFERENCE.matcher(code);
    int lastLine = -1;
    String lastRule = null;
    while (ref.find()) {
      String target = ref.group(1);
      String referenced = ref.group();
      String role = target.equals(name) ? roleOf(referenced) : null;
      if (target.equals(name) && (!main || role == null || filePackage.equals(role)
          || filePackage.startsWith(role + "."))) {
        continue;
      }
      int line = lineOf(code, ref.start());
      String rule;
      if (role != null) {
        rule = ROLE_RULE + ": " + role + ".internal is the implementation of " + role
            + "; use its public API (" + role + ") or move the code";
      } else if (!byName.containsKey(target)) {
        rule = LAYER_RULE + ": " + referenced + " names dev.parley." + target
            + ", which no module of the build owns";
      } else if (isInternal(referenced)) {
        rule = INTERNAL_RULE + ": " + packageOf(referenced) + " is the implementation of "
            + byName.get(target) + "; use its public API (dev.parley." + target
            + ") or move the code";
      } else if (main && !allowed.contains(target)) {
        rule = LAYER_RULE + ": " + dir + " may use " + (allowed.isEmpty() ? "no other module"
            : "parley-" + String.join(", parley-", allowed)) + "; " + byName.get(target)
            + " is not below it";
      } else {
        continue;
      }
      if (line == lastLine && rule.equals(lastRule)) {
        continue; // one line, one report per rule
      }
      lastLine = line;
      lastRule = rule;
      out.add(new Breach(file, line, lines[line - 1].strip(), rule));
    }
  }

  private static String moduleDir(String name, Map<String, String> byName) {
    return byName.getOrDefault(name, "dev.parley." + name);
  }

  /** The module name of a {@code dev.parley} package or class name, else null. */
  private static String ownerOf(String qualified) {
    if (!qualified.startsWith("dev.parley.")) {
      return null;
    }
    String rest = qualified.substring("dev.parley.".length());
    int dot = rest.indexOf('.');
    return dot < 0 ? rest : rest.substring(0, dot);
  }

  private static boolean isInternal(String qualified) {
    for (String segment : qualified.split("\\.")) {
      if (segment.equals("internal")) {
        return true;
      }
    }
    return false;
  }

  /**
   * For {@code dev.parley.<module>.<role>.internal...} (a role package of a module, such as
   * {@code dev.parley.server.proxy}, with an implementation of its own), the role package; else
   * null.
   */
  private static String roleOf(String qualified) {
    String[] s = qualified.split("\\.");
    return s.length > 4 && !s[3].equals("internal") && s[4].equals("internal")
        ? String.join(".", s[0], s[1], s[2], s[3]) : null;
  }

  /** The name up to and including its {@code internal} segment. */
  private static String packageOf(String qualified) {
    int i = qualified.indexOf(".internal");
    return i < 0 ? qualified : qualified.substring(0, i + ".internal".length());
  }

  /** {@code parley-foo} is module {@code foo}, the owner of {@code dev.parley.foo}. */
  static String nameOf(String dir) {
    String last = dir.substring(dir.lastIndexOf('/') + 1);
    return last.startsWith("parley-") ? last.substring("parley-".length()) : last;
  }

  private static List<String> modules(Path root) {
    String pom = XML_COMMENT.matcher(read(root.resolve("pom.xml"))).replaceAll("");
    List<String> modules = new ArrayList<>();
    Matcher m = MODULE.matcher(pom);
    while (m.find()) {
      modules.add(m.group(1));
    }
    if (modules.isEmpty()) {
      throw new IllegalStateException("no <module> in " + root.resolve("pom.xml"));
    }
    return modules;
  }

  private static List<Path> javaFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int lineOf(String text, int index) {
    int line = 1;
    for (int i = 0; i < index; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  /**
   * The source with comments, string literals (text blocks too) and character literals blanked
   * out, line breaks kept, so what is left is code at the same lines and columns.
   */
  static String codeOnly(String source) {
    StringBuilder out = new StringBuilder(source);
    int n = source.length();
    int i = 0;
    while (i < n) {
      char c = source.charAt(i);
      int end;
      if (c == '/' && i + 1 < n && source.charAt(i + 1) == '/') {
        end = source.indexOf('\n', i);
        end = end < 0 ? n : end;
      } else if (c == '/' && i + 1 < n && source.charAt(i + 1) == '*') {
        end = source.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
      } else if (source.startsWith("\"\"\"", i)) {
        end = i + 3;
        while (end < n && !source.startsWith("\"\"\"", end)) {
          end += source.charAt(end) == '\\' ? 2 : 1;
        }
        end = Math.min(n, end + 3);
      } else if (c == '"' || c == '\'') {
        end = i + 1;
        while (end < n && source.charAt(end) != c && source.charAt(end) != '\n') {
          end += source.charAt(end) == '\\' ? 2 : 1;
        }
        end = Math.min(n, end + 1);
      } else {
        i++;
        continue;
      }
      for (int j = i; j < end; j++) {
        if (out.charAt(j) != '\n') {
          out.setCharAt(j, ' ');
        }
      }
      i = end;
    }
    return out.toString();
  }
}
