import SourcedCore
import Yams

/// Decodes `Content/bibliography.yaml`: a YAML list of sources.
enum BibliographyDecoder {
    static func decode(_ file: SourceFile?) -> ([LocatedReference], [Diagnostic]) {
        guard let file else { return ([], []) }
        var reader = YAMLReader(file: file.path, lineOffset: 0)
        guard let text = reader.text(of: file) else { return ([], reader.diagnostics) }
        guard let root = reader.compose(text) else { return ([], reader.diagnostics) }
        let references = ReferenceDecoder.decodeList(root, reader: &reader)
        return (references, reader.diagnostics)
    }
}
