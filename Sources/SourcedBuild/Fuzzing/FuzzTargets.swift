import SourcedCore
import SourcedMarkdown

/// What the fuzzer (`scripts/fuzz`, libFuzzer) drives, and what the test suite replays every
/// input it ever crashed on through (`Tests/SourcedBuildTests/Fixtures/fuzz/TARGET/`). Each
/// takes any bytes; none may crash, whatever it reports.
package enum FuzzTargets {
    package static let names = ["front-matter", "scanners", "page", "bibliography"]

    /// Runs `target` on `bytes`; the number it returns only keeps the work from being dropped.
    @discardableResult
    package static func run(_ target: String, _ bytes: [UInt8]) -> Int {
        switch target {
        case "front-matter": frontMatter(bytes)
        case "scanners": ScannerFuzzing.scan(bytes)
        case "page": page(bytes)
        case "bibliography": bibliography(bytes)
        default: preconditionFailure("no fuzz target '\(target)'; there are \(names.joined(separator: ", "))")
        }
    }

    /// The front-matter split and the YAML decoding of a page's fields.
    static func frontMatter(_ bytes: [UInt8]) -> Int {
        guard case .success(let split) = FrontMatter.split(bytes) else { return 0 }
        let (_, diagnostics) = TopicDecoder.decode(
            split.yaml, file: "fuzz.md", lineOffset: split.yamlLineOffset, audiences: ["clinician", "patient"])
        return diagnostics.count
    }

    /// The whole page stage: front matter, cmark-gfm, claims, citations, grades, audiences.
    static func page(_ bytes: [UInt8]) -> Int {
        var settings = SiteSettings()
        settings.audiences = [.init(name: "clinician", label: "Clinician"), .init(name: "patient", label: "Patient")]
        let result = PageParser.parse(
            SourceFile(path: "Content/topics/fuzz.md", relativePath: "topics/fuzz.md", bytes: bytes),
            settings: settings)
        return result.diagnostics.count
    }

    /// The readers of sources: bibliography.yaml, BibTeX (btparse) and CSL-JSON.
    static func bibliography(_ bytes: [UInt8]) -> Int {
        var count = 0
        for name in ["bibliography.yaml", "library.bib", "library.json"] {
            let file = SourceFile(path: "Content/\(name)", relativePath: name, bytes: bytes)
            let read =
                switch name {
                case "library.bib": BibTeXReader.read(file)
                case "library.json": CSLJSONReader.read(file)
                default: BibliographyDecoder.decode(file)
                }
            count += read.0.count + read.1.count
        }
        return count
    }
}
