/// How a network's box head lays out each box.
public enum BoxEncoding: String, Sendable, CaseIterable {
    /// Center-size offsets against an anchor, (ty, tx, th, tw): TensorFlow's Object Detection API.
    case centerSizeYXHW = "yxhw"
    /// Center-size offsets against a prior, (tx, ty, tw, th): PyTorch and Caffe SSDs.
    case centerSizeXYWH = "xywh"
    /// Boxes already decoded in the graph: normalized corners (xmin, ymin, xmax, ymax); no anchors needed.
    case cornersXYXY = "xyxy"
}
