/*
A fixture for derive-table.py.
type NotAType struct {
*/

package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
)

type Protocol string

const (
	ProtocolTCP Protocol = "TCP"
	ProtocolUDP Protocol = "UDP"
	mode               = 0644
)

// Deployment is a kind: it has TypeMeta and ObjectMeta.
type Deployment struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec DeploymentSpec `json:"spec,omitempty"`
}

type DeploymentSpec struct {
	// +optional
	Replicas *int32 `json:"replicas,omitempty"`
	Selector *metav1.LabelSelector `json:"selector"`
	// +optional
	RevisionHistoryLimit *int32 `json:"revisionHistoryLimit,omitempty"`
	// +optional
	Strategy DeploymentStrategy `json:"strategy,omitempty" patchStrategy:"retainKeys"`
	// +optional
	Ports []Port `json:"ports,omitempty" patchStrategy:"merge" patchMergeKey:"port"`
	// +optional
	Hosts []string `json:"hosts,omitempty" patchStrategy:"merge"`
	// +optional
	Args []string `json:"args,omitempty"`
	// +optional
	// +listType=map
	// +listMapKey=name
	// +listMapKey=zone
	Targets []Target `json:"targets,omitempty" patchStrategy:"merge" patchMergeKey:"name"`
	// +optional
	Zones Zones `json:"zones,omitempty"`
	// +optional
	// +mapType=atomic
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// +optional
	Limits map[string]resource.Quantity `json:"limits,omitempty"`
	// +optional
	Data []byte `json:"data,omitempty"`
	// +optional
	// +structType=granular
	Owner *Owner `json:"owner,omitempty"`
	Paused bool `json:"paused"`
	internal string
	Ignored string `json:"-"`
	// +optional
	Marker *Empty `json:"marker,omitempty"`
}

// +structType=atomic
type Owner struct {
	Name string `json:"name"`
}

type Empty struct{}

type DeploymentStrategy struct {
	// +optional
	Type string `json:"type,omitempty"`
}

type Port struct {
	Port int32 `json:"port"`
	// +optional
	// +default=ref(ProtocolTCP)
	Protocol Protocol `json:"protocol,omitempty"`
	// +optional
	TargetPort intstr.IntOrString `json:"targetPort,omitempty"`
	/*
		A block comment inside a struct.
	*/
	// +optional
	// +default="http"
	Name string `json:"name,omitempty"`
}

type Target struct {
	Name string `json:"name"`
	Zone string `json:"zone"`
	// +optional
	Weight float64 `json:"weight,omitempty"`
}

// +listType=set
type Zones []string

type DeploymentList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items []Deployment `json:"items"`
}

type StatefulSet struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec StatefulSetSpec `json:"spec"`
}

type StatefulSetSpec struct {
	Selector *metav1.LabelSelector `json:"selector"`
	ServiceName string `json:"serviceName"`
}

type ScaleOptions struct {
	metav1.TypeMeta `json:",inline"`
	Replicas int32 `json:"replicas"`
}
