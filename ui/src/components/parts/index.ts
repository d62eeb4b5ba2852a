export { PartList } from "./PartList";
