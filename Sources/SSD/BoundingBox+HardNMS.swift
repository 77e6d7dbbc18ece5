extension BoundingBox {
    /// Intersection over union as the hard NMS of PyTorch SSDs computes it (`box_utils.iou_of`), operation for
    /// operation in float: sides clipped at 0 (an empty box has area 0, where TFLite's IoU returns 0 outright), and
    /// 1e-5 added to the union, which lowers the IoU of small boxes enough to keep some that TFLite's suppresses.
    func hardNMSIntersectionOverUnion(_ other: BoundingBox) -> Float {
        let width = max(min(xmax, other.xmax) - max(xmin, other.xmin), 0)
        let height = max(min(ymax, other.ymax) - max(ymin, other.ymin), 0)
        let intersection = width * height
        let area = max(xmax - xmin, 0) * max(ymax - ymin, 0)
        let otherArea = max(other.xmax - other.xmin, 0) * max(other.ymax - other.ymin, 0)
        return intersection / (area + otherArea - intersection + 1e-5)
    }
}
