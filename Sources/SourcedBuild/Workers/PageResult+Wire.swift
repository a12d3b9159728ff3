import SourcedCore
import SourcedMarkdown

// The wire form of a page's result, the one reply a worker sends per page.

extension PageResult: WireCodable {
    package func write(to wire: inout WireWriter) {
        wire.write(file)
        wire.write(relativePath)
        wire.write(metadata)
        wire.write(markdown)
        wire.write(links)
        wire.write(diagnostics)
        wire.write(bodyDigest)
    }

    package init(from wire: inout WireReader) throws(WireError) {
        self.init(
            file: try wire.read(), relativePath: try wire.read(), metadata: try wire.read(),
            markdown: try wire.read(), links: try wire.read(), diagnostics: try wire.read(),
            bodyDigest: try wire.read())
    }
}

extension LinkTarget: WireCodable {
    package func write(to wire: inout WireWriter) {
        switch self {
        case .topic(let path, let fragment):
            wire.write(0)
            wire.write(path)
            wire.write(fragment)
        case .file(let path):
            wire.write(1)
            wire.write(path)
        case .fragment(let fragment):
            wire.write(2)
            wire.write(fragment)
        case .outside:
            wire.write(3)
        case .external:
            wire.write(4)
        }
    }

    package init(from wire: inout WireReader) throws(WireError) {
        switch try wire.read() as Int {
        case 0: self = .topic(path: try wire.read(), fragment: try wire.read())
        case 1: self = .file(path: try wire.read())
        case 2: self = .fragment(try wire.read())
        case 3: self = .outside
        case 4: self = .external
        default: throw WireError()
        }
    }
}
