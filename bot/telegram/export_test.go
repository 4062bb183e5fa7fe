package telegram

// MarkDamaged exposes markDamaged to the external tests.
var MarkDamaged = markDamaged
