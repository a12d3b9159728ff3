import Foundation
import SourcedCore

/// Renders diagnostics in the formats of SPEC §6. The one place messages are formatted.
package enum DiagnosticFormat: String, Sendable, CaseIterable {
    case text, json, github, sarif
}

package enum DiagnosticReport {
    /// How text diagnostics look: in colour (ANSI, for a terminal), and with the summary line.
    package struct Style: Sendable {
        package var colour = false
        package var summary = true

        package init(colour: Bool = false, summary: Bool = true) {
            self.colour = colour
            self.summary = summary
        }
    }

    package static func render(
        _ diagnostics: [Diagnostic], pages: Int, format: DiagnosticFormat, style: Style = .init()
    ) -> String {
        let diagnostics = diagnostics.map(oneLine)
        return switch format {
        case .text: text(diagnostics, pages: pages, style: style)
        case .json: json(diagnostics, pages: pages)
        case .github: github(diagnostics)
        case .sarif: sarif(diagnostics)
        }
    }

    /// `file:line:col: severity: message [rule]`, with the hint on an indented line.
    package static func line(_ diagnostic: Diagnostic, colour: Bool = false) -> String {
        formatted(oneLine(diagnostic), colour: colour)
    }

    /// `line`, for a diagnostic already passed through `oneLine`. In colour, the place is bold,
    /// the severity red or yellow, the rule and the hint dim; the text is the same.
    private static func formatted(_ d: Diagnostic, colour: Bool = false) -> String {
        func paint(_ text: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        let severity = paint(d.severity.rawValue, d.severity == .error ? "1;31" : "1;33")
        var out =
            "\(paint("\(d.file):\(d.position.line):\(d.position.column):", "1")) \(severity): \(d.message) \(paint("[\(d.rule.rawValue)]", "2"))"
        if let hint = d.hint { out += "\n" + paint("    hint: \(hint)", "2") }
        return out
    }

    /// The diagnostic with every control character and line or paragraph separator in its
    /// file, message and hint written as an escape (`\n`, `\u{1}`): text from the content can
    /// then neither split a diagnostic over lines nor start a line of its own, which a CI
    /// runner would read as a command (GitHub Actions' `::add-mask::`, `::error`).
    static func oneLine(_ d: Diagnostic) -> Diagnostic {
        var d = d
        d.file = oneLine(d.file)
        d.message = oneLine(d.message)
        d.hint = d.hint.map(oneLine)
        return d
    }

    static func oneLine(_ text: String) -> String {
        func isBreaking(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}"
        }
        // Most messages are ASCII without a control byte; only the rest are looked at closely.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 >= 0x7F }), text.unicodeScalars.contains(where: isBreaking)
        else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isBreaking(scalar): out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    package static func summary(_ diagnostics: [Diagnostic], pages: Int) -> String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        return
            "\(plural(diagnostics.errorCount, "error")), \(plural(diagnostics.warningCount, "warning")) in \(plural(pages, "page"))"
    }

    static func text(_ diagnostics: [Diagnostic], pages: Int, style: Style = .init()) -> String {
        let lines = diagnostics.map { formatted($0, colour: style.colour) }
        let all = style.summary ? lines + [summary(diagnostics, pages: pages)] : lines
        return all.isEmpty ? "" : all.joined(separator: "\n") + "\n"
    }

    /// `{"diagnostics": [...], "summary": {...}}`, keys sorted, as SPEC §6 gives it.
    static func json(_ diagnostics: [Diagnostic], pages: Int) -> String {
        var json = JSONWriter(escapesMarkup: false)
        json.object([
            (
                "diagnostics",
                { json in
                    json.array(diagnostics) { json, d in
                        json.object([
                            ("column", { $0.int(d.position.column) }),
                            ("file", { $0.string(d.file) }),
                            ("hint", d.hint.map { hint in { $0.string(hint) } }),
                            ("line", { $0.int(d.position.line) }),
                            ("message", { $0.string(d.message) }),
                            ("rule", { $0.string(d.rule.rawValue) }),
                            ("severity", { $0.string(d.severity.rawValue) }),
                        ])
                    }
                }
            ),
            (
                "summary",
                { json in
                    json.object([
                        ("errors", { $0.int(diagnostics.errorCount) }),
                        ("pages", { $0.int(pages) }),
                        ("warnings", { $0.int(diagnostics.warningCount) }),
                    ])
                }
            ),
        ])
        return String(decoding: json.bytes, as: UTF8.self) + "\n"
    }

    static func github(_ diagnostics: [Diagnostic]) -> String {
        func escapeData(_ s: String) -> String {
            s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
                .replacingOccurrences(of: "\n", with: "%0A")
        }
        func escapeProperty(_ s: String) -> String {
            escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
        }
        return diagnostics.map { d in
            "::\(d.severity.rawValue) file=\(escapeProperty(d.file)),line=\(d.position.line),col=\(d.position.column),title=\(d.rule.rawValue)::\(escapeData(d.message + (d.hint.map { " (\($0))" } ?? "")))"
        }.map { $0 + "\n" }.joined()
    }

    /// SARIF 2.1.0, keys sorted, for code-scanning tools.
    static func sarif(_ diagnostics: [Diagnostic]) -> String {
        let ruleIndex = Dictionary(uniqueKeysWithValues: Rule.allCases.enumerated().map { ($1, $0) })
        var json = JSONWriter(escapesMarkup: false)
        func result(_ json: inout JSONWriter, _ d: Diagnostic) {
            json.object([
                ("level", { $0.string(d.severity.rawValue) }),
                (
                    "locations",
                    { json in
                        json.array([d]) { json, d in
                            json.object([
                                (
                                    "physicalLocation",
                                    { json in
                                        json.object([
                                            ("artifactLocation", { $0.object([("uri", { $0.string(d.file) })]) }),
                                            (
                                                "region",
                                                {
                                                    $0.object([
                                                        ("startColumn", { $0.int(d.position.column) }),
                                                        ("startLine", { $0.int(d.position.line) }),
                                                    ])
                                                }
                                            ),
                                        ])
                                    }
                                )
                            ])
                        }
                    }
                ),
                ("message", { $0.object([("text", { $0.string(d.message + (d.hint.map { " (\($0))" } ?? "")) })]) }),
                ("ruleId", { $0.string(d.rule.rawValue) }),
                ("ruleIndex", { $0.int(ruleIndex[d.rule]!) }),
            ])
        }
        func rule(_ json: inout JSONWriter, _ rule: Rule) {
            json.object([
                ("defaultConfiguration", { $0.object([("level", { $0.string(rule.defaultSeverity.rawValue) })]) }),
                ("id", { $0.string(rule.rawValue) }),
            ])
        }
        json.object([
            ("$schema", { $0.string("https://json.schemastore.org/sarif-2.1.0.json") }),
            (
                "runs",
                { json in
                    json.array([0]) { json, _ in
                        json.object([
                            ("columnKind", { $0.string("unicodeCodePoints") }),
                            ("results", { $0.array(diagnostics, result) }),
                            (
                                "tool",
                                {
                                    $0.object([
                                        (
                                            "driver",
                                            {
                                                $0.object([
                                                    ("name", { $0.string("sourced") }),
                                                    ("rules", { $0.array(Rule.allCases, rule) }),
                                                ])
                                            }
                                        )
                                    ])
                                }
                            ),
                        ])
                    }
                }
            ),
            ("version", { $0.string("2.1.0") }),
        ])
        return String(decoding: json.bytes, as: UTF8.self) + "\n"
    }
}
