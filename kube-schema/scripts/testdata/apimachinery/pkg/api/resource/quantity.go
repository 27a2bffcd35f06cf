package resource

type Quantity struct {
	s string
}
