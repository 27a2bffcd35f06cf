package v1

import (
	"k8s.io/apimachinery/pkg/types"
)

type TypeMeta struct {
	// +optional
	Kind string `json:"kind,omitempty"`
	// +optional
	APIVersion string `json:"apiVersion,omitempty"`
}

type ObjectMeta struct {
	// +optional
	Name string `json:"name,omitempty"`
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
	// +optional
	CreationTimestamp Time `json:"creationTimestamp,omitempty"`
	// +optional
	// +listType=set
	Finalizers []string `json:"finalizers,omitempty" patchStrategy:"merge"`
}

type ListMeta struct {
	// +optional
	Continue string `json:"continue,omitempty"`
}

// +structType=atomic
type LabelSelector struct {
	// +optional
	MatchLabels map[string]string `json:"matchLabels,omitempty"`
}

type Time struct {
	time.Time `protobuf:"-"`
}
