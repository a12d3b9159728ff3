import SourcedCore
import Yams

/// Decodes `Content/bibliography.yaml`: a YAML list of sources.
enum BibliographyDecoder {
    static func decode(_ file: SourceFile?) -> ([LocatedReference], [Diagnostic]) {
        guard let file else { return ([], []) }
        guard let text = String(validating: file.bytes, as: UTF8.self) else {
            return (
                [],
                [
                    Diagnostic(
                        file: file.path, position: .init(line: 1, column: 1), rule: .invalidEncoding,
                        message: "bibliography.yaml is not valid UTF-8")
                ]
            )
        }
        var reader = YAMLReader(file: file.path, lineOffset: 0)
        guard let root = reader.compose(text) else { return ([], reader.diagnostics) }
        let references = ReferenceDecoder.decodeList(root, reader: &reader)
        return (references, reader.diagnostics)
    }
}
