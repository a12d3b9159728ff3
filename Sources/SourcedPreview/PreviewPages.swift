import Foundation
import SourcedBuild
import SourcedCore

/// The pages only the preview serves: the reload script, the error overlay and the 404 page.
enum PreviewPages {
    static let eventsPath = "/__sourced/events"
    static let scriptPath = "/__sourced/reload.js"

    /// Listens for rebuilds and reloads the page; reconnects if the server restarts.
    static let reloadScript = """
        (function () {
          "use strict";
          var source = new EventSource("\(eventsPath)");
          var first = true;
          source.addEventListener("reload", function () { window.location.reload(); });
          source.onopen = function () { if (!first) { window.location.reload(); } first = false; };
        })();

        """

    static let scriptTag = "<script src=\"\(scriptPath)\"></script>"

    /// Adds the reload script to an HTML page, before `</body>` (or at the end).
    static func injectingReload(into html: [UInt8]) -> [UInt8] {
        let marker = Array("</body>".utf8)
        if let index = lastIndex(of: marker, in: html) {
            return Array(html[..<index]) + Array(scriptTag.utf8) + Array(html[index...])
        }
        return html + Array(scriptTag.utf8)
    }

    private static func lastIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var i = haystack.count - needle.count
        while i >= 0 {
            if haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i -= 1
        }
        return nil
    }

    /// Shown instead of stale content while the site has errors: each error with its file,
    /// line, column, message and the source line.
    static func overlay(_ snapshot: SiteSnapshot) -> String {
        var items = ""
        if let failure = snapshot.failure {
            items += "<li><p class=\"message\">\(failure.htmlEscaped)</p></li>"
        }
        var sourceCache: [String: [Substring]] = [:]
        for d in snapshot.diagnostics where d.severity == .error {
            if sourceCache[d.file] == nil {
                let text =
                    FileManager.default.contents(atPath: d.file).map { String(decoding: $0, as: UTF8.self) } ?? ""
                sourceCache[d.file] = text.split(separator: "\n", omittingEmptySubsequences: false)
            }
            let lines = sourceCache[d.file] ?? []
            let source =
                d.position.line >= 1 && d.position.line <= lines.count ? String(lines[d.position.line - 1]) : ""
            let caret = String(repeating: " ", count: max(0, d.position.column - 1)) + "^"
            items += """
                <li><p class="where"><code>\(d.file.htmlEscaped):\(d.position.line):\(d.position.column)</code> \
                <span class="rule">[\(d.rule.rawValue)]</span></p>
                <p class="message">\(d.message.htmlEscaped)</p>\
                \(d.hint.map { "<p class=\"hint\">\($0.htmlEscaped)</p>" } ?? "")
                <pre tabindex="0">\(source.replacingOccurrences(of: "\r", with: "").htmlEscaped)\n\(caret)</pre></li>

                """
        }
        let count = snapshot.failure != nil ? 1 : snapshot.diagnostics.errorCount
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(count) error\(count == 1 ? "" : "s") · Sourced preview</title>
            <style>
            body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#1b1d23;color:#eceff4}
            main{max-width:60rem;margin:0 auto;padding:2rem 1.25rem}
            h1{color:#ff8a80;font-size:1.5rem}
            ol{padding:0;list-style:none}
            li{background:#262a33;border-left:4px solid #ff8a80;border-radius:6px;padding:.75rem 1rem;margin:0 0 1rem}
            .where{margin:0;color:#a3abbd}.rule{color:#a3abbd}.message{margin:.25rem 0;font-weight:600}
            .hint{margin:.25rem 0;color:#a3d9ff}pre{background:#12141a;padding:.6rem;overflow:auto;margin:.5rem 0 0}
            </style></head>
            <body><main id="sourced-error-overlay">
            <h1 role="alert">\(count) error\(count == 1 ? "" : "s") in the content</h1>
            <p>The preview shows the site again as soon as they are fixed.</p>
            <ol>
            \(items)</ol>
            </main></body></html>

            """
    }

    static func notFound(_ path: String, root: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Not found · Sourced preview</title>
        <link rel="stylesheet" href="\(root.htmlEscaped)assets/style.css"></head>
        <body><main class="wrap" id="main"><h1>Not found</h1>
        <p>Nothing is published at <code>\(path.htmlEscaped)</code>.</p>
        <p><a href="\(root.htmlEscaped)">Go to the home page</a></p></main></body></html>

        """
    }
}
