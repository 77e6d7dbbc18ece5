extension ModelManifest {
    /// Where the anchors come from: `anchors` in model.json, by its `kind`. Generated ones are counted when the
    /// manifest is read, and refused past `ModelManifest.maximumAnchorCount`, so that `anchors()` is bounded.
    public enum Anchors: Sendable, Equatable {
        /// `"embedded"`: in the model (a TFLite postprocess op's constant input, or the constants of a graph that
        /// decodes its own boxes).
        case embedded
        /// `"tf-grid"`: the TF Object Detection API's SSD grid anchors.
        case tfGrid(GridAnchorConfiguration)
        /// `"caffe-priorbox"`: Caffe's (and GluonCV's) PriorBox layers.
        case caffePriorBox(PriorBoxConfiguration)
        /// `"min-sizes"`: square priors of given sizes per stride (UltraFace and other PyTorch SSDs).
        case minimumSizes(MinimumSizePriorConfiguration)

        /// The generated anchors, normalized, in the order the box head emits its encodings; nil for embedded ones.
        public func anchors() -> [Anchor]? {
            switch self {
            case .embedded: nil
            case .tfGrid(let configuration): configuration.anchors()
            case .caffePriorBox(let configuration): configuration.anchors()
            case .minimumSizes(let configuration): configuration.priors()
            }
        }

        /// `anchors` by its name in model.json, before its parameters are read.
        private enum Kind { case embedded, tfGrid, caffePriorBox, minimumSizes }

        private static let tfGridKeys = [
            "kind", "strides", "feature_maps", "min_scale", "max_scale", "aspect_ratios",
            "interpolated_scale_aspect_ratio", "reduce_boxes_in_lowest_layer", "base_anchor_size",
        ]
        private static let caffePriorBoxKeys = [
            "kind", "strides", "feature_maps", "min_sizes", "max_sizes", "aspect_ratios", "flip", "steps", "offset",
            "clip",
        ]
        private static let minimumSizesKeys = ["kind", "strides", "min_sizes", "clamp"]

        /// `anchors` of the manifest whose input is `input` (nil: read from the model, so unknown here).
        init(_ object: ManifestObject, input: Input?) throws {
            guard object.contains("kind") else {
                try object.refuseKeys(
                    notIn: Array(Set(Self.tfGridKeys + Self.caffePriorBoxKeys + Self.minimumSizesKeys)).sorted())
                throw object.failure("kind", reason: "missing")
            }
            let kind = try object.choice(
                "kind",
                [
                    ("embedded", Kind.embedded), ("tf-grid", .tfGrid), ("caffe-priorbox", .caffePriorBox),
                    ("min-sizes", .minimumSizes),
                ])
            switch kind {
            case .embedded:
                try object.refuseKeys(notIn: ["kind"])
                self = .embedded
            case .tfGrid:
                try object.refuseKeys(notIn: Self.tfGridKeys)
                self = .tfGrid(try Self.tfGrid(object, input: input))
            case .caffePriorBox:
                try object.refuseKeys(notIn: Self.caffePriorBoxKeys)
                self = .caffePriorBox(try Self.caffePriorBox(object, input: input))
            case .minimumSizes:
                try object.refuseKeys(notIn: Self.minimumSizesKeys)
                self = .minimumSizes(try Self.minimumSizes(object, input: input))
            }
            let count = generatedCount
            guard count <= ModelManifest.maximumAnchorCount else {
                throw object.failure(
                    reason: "generates \(count) anchors, more than \(ModelManifest.maximumAnchorCount)")
            }
        }

        /// How many anchors `anchors()` returns, counted without generating them (the manifest's bounds keep every
        /// product far inside `Int`).
        private var generatedCount: Int {
            switch self {
            case .embedded:
                return 0
            case .tfGrid(let configuration):
                return zip(configuration.featureMaps, configuration.boxSpecifications).reduce(0) {
                    $0 + $1.0.height * $1.0.width * $1.1.count
                }
            case .caffePriorBox(let configuration):
                return configuration.layers.reduce(0) {
                    $0 + $1.featureMapHeight * $1.featureMapWidth * $1.priorsPerCell
                }
            case .minimumSizes(let configuration):
                return configuration.layers.reduce(0) { count, layer in
                    let columns = (configuration.inputWidth + layer.stride - 1) / layer.stride
                    let rows = (configuration.inputHeight + layer.stride - 1) / layer.stride
                    return count + columns * rows * layer.minimumSizes.count
                }
            }
        }

        private static func minimumSizes(_ object: ManifestObject, input: Input?) throws
            -> MinimumSizePriorConfiguration
        {
            let input = try required(input, object, for: "min-sizes")
            let strides = try strides(object, input: input)
            let sizes = try object.numberLists(
                "min_sizes", count: strides.count...strides.count, eachCount: 1...ModelManifest.maximumPerLayer,
                ModelManifest.pixelSizeBounds)
            return MinimumSizePriorConfiguration(
                inputWidth: input.width, inputHeight: input.height,
                layers: Array(zip(strides, sizes).map { (stride: $0, minimumSizes: $1) }),
                clamp: try object.boolean("clamp"))
        }

        private static func tfGrid(_ object: ManifestObject, input: Input?) throws -> GridAnchorConfiguration {
            let featureMaps = try featureMaps(object, input: input)
            let minimumScale = try object.number("min_scale", .above(0, upTo: 1))
            let maximumScale = try object.number("max_scale", .above(0, upTo: 1))
            guard maximumScale >= minimumScale else {
                throw object.failure("max_scale", reason: "\(maximumScale) is below min_scale \(minimumScale)")
            }
            let aspectRatios = try object.numbers(
                "aspect_ratios", count: 1...ModelManifest.maximumPerLayer, ModelManifest.aspectRatioBounds)
            let interpolated = try object.number("interpolated_scale_aspect_ratio", .closed(0...1000))
            guard interpolated == 0 || ModelManifest.aspectRatioBounds.contains(interpolated) else {
                throw object.failure(
                    "interpolated_scale_aspect_ratio",
                    reason: "\(interpolated) is neither 0 (none) nor in \(ModelManifest.aspectRatioBounds.description)")
            }
            var baseAnchorSize: (height: Float, width: Float) = (1, 1)
            if object.contains("base_anchor_size") {
                let size = try object.numbers("base_anchor_size", count: 2...2, .above(0, upTo: 10))
                baseAnchorSize = (size[0], size[1])
            }
            return GridAnchorConfiguration(
                featureMaps: featureMaps, minimumScale: minimumScale, maximumScale: maximumScale,
                aspectRatios: aspectRatios, interpolatedScaleAspectRatio: interpolated,
                reduceBoxesInLowestLayer: try object.boolean("reduce_boxes_in_lowest_layer"),
                baseAnchorSize: baseAnchorSize)
        }

        private static func caffePriorBox(_ object: ManifestObject, input: Input?) throws -> PriorBoxConfiguration {
            let input = try required(input, object, for: "caffe-priorbox")
            let featureMaps = try featureMaps(object, input: input)
            let layers = featureMaps.count...featureMaps.count
            let perLayer = ModelManifest.maximumPerLayer
            let minimumSizes = try object.numberLists(
                "min_sizes", count: layers, eachCount: 1...perLayer, ModelManifest.pixelSizeBounds)
            var maximumSizes = Array(repeating: [Float](), count: featureMaps.count)
            if object.contains("max_sizes") {
                maximumSizes = try object.numberLists(
                    "max_sizes", count: layers, eachCount: 0...perLayer, ModelManifest.pixelSizeBounds)
                for (layer, sizes) in maximumSizes.enumerated() {
                    let place = ManifestKey(intValue: layer)
                    guard sizes.count <= minimumSizes[layer].count else {
                        throw object.failure("max_sizes", place, reason: "more max sizes than min_sizes")
                    }
                    for (index, size) in sizes.enumerated() where size <= minimumSizes[layer][index] {
                        throw object.failure(
                            "max_sizes", place, ManifestKey(intValue: index),
                            reason: "\(size) is not above its min size \(minimumSizes[layer][index])")
                    }
                }
            }
            let aspectRatios = try object.numberLists(
                "aspect_ratios", count: layers, eachCount: 0...perLayer, ModelManifest.aspectRatioBounds)
            let steps: [Float?] =
                object.contains("steps")
                ? try object.numbers("steps", count: layers, ModelManifest.pixelSizeBounds)
                : featureMaps.map { _ in nil }
            let flip = try object.boolean("flip")
            let offset = try object.number("offset", .closed(0...1))
            return PriorBoxConfiguration(
                layers: featureMaps.indices.map { layer in
                    PriorBoxConfiguration.Layer(
                        featureMapHeight: featureMaps[layer].height, featureMapWidth: featureMaps[layer].width,
                        minimumSizes: minimumSizes[layer], maximumSizes: maximumSizes[layer],
                        aspectRatios: aspectRatios[layer], flip: flip, step: steps[layer], offset: offset)
                },
                imageHeight: Float(input.height), imageWidth: Float(input.width), clip: try object.boolean("clip"))
        }

        /// `strides`, each giving a feature map of ceil(input side / stride) cells a side, or `feature_maps` as
        /// [height, width] pairs: exactly one of the two.
        private static func featureMaps(_ object: ManifestObject, input: Input?) throws -> [(height: Int, width: Int)] {
            switch (object.contains("strides"), object.contains("feature_maps")) {
            case (true, true):
                throw object.failure("feature_maps", reason: "give strides or feature_maps, not both")
            case (false, false):
                throw object.failure("strides", reason: "missing: give strides or feature_maps")
            case (true, false):
                let input = try required(input, object, for: "strides")
                let strides = try strides(object, input: input)
                return strides.map { ((input.height + $0 - 1) / $0, (input.width + $0 - 1) / $0) }
            case (false, true):
                return try object.integerLists(
                    "feature_maps", count: 1...ModelManifest.maximumAnchorLayers, eachCount: 2...2,
                    in: 1...ModelManifest.maximumInputSide
                ).map { ($0[0], $0[1]) }
            }
        }

        /// `strides`, each within the input's longer side (a larger one would still give one cell).
        private static func strides(_ object: ManifestObject, input: Input) throws -> [Int] {
            try object.integers(
                "strides", count: 1...ModelManifest.maximumAnchorLayers, in: 1...max(input.width, input.height))
        }

        /// `input`, which anchors sized in input pixels need.
        private static func required(_ input: Input?, _ object: ManifestObject, for what: String) throws -> Input {
            guard let input else {
                throw object.failure(reason: "\(what) needs \"input\": its sizes are in input pixels")
            }
            return input
        }
    }
}
