import FuzzSupport
import SSD

/// A model.json, through everything that reads it before any file is opened (`ModelCatalog`, `ModelManifest`): the
/// strict JSON parser, the decoder, every bound and every rule between keys, then the anchors an accepted manifest
/// generates, which must stay within the count checked before generating them, and finite.
@main
enum FuzzManifest {
    static func main() {
        Fuzzer.run { bytes in
            let manifest = try ModelManifest(json: Array(bytes), path: "/models/fuzz/model.json")
            guard let anchors = manifest.anchors.anchors() else { return }
            precondition(anchors.count <= ModelManifest.maximumAnchorCount, "\(anchors.count) anchors generated")
            precondition(
                anchors.allSatisfy {
                    $0.yCenter.isFinite && $0.xCenter.isFinite && $0.height.isFinite && $0.width.isFinite
                },
                "a non-finite anchor")
        }
    }
}
